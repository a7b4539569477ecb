import { createHash, randomBytes } from 'node:crypto';

/** Tokens are stored only as their SHA-256, so a database leak does not leak working tokens. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}
