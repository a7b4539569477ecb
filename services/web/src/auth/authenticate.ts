import { type Principal, UnauthenticatedError } from '@telerad/core';
import { type DbHandle, hashToken } from '@telerad/db';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * Resolves `Authorization: Bearer <token>` to a principal: a user's session token, or a clinic's API
 * token. Every route below /api (except login) and /dicomweb goes through it.
 */
export function authenticate(db: DbHandle): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    resolvePrincipal(db, req.headers.authorization)
      .then((principal) => {
        res.locals.principal = principal;
        next();
      })
      .catch(next);
  };
}

export async function resolvePrincipal(db: DbHandle, header: string | undefined): Promise<Principal> {
  return principalOfDigest(db, bearerDigest(header));
}

/** The SHA-256 of the bearer token in an Authorization header (tokens are stored only hashed). */
export function bearerDigest(header: string | undefined): string {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match?.[1]) throw new UnauthenticatedError('sign in first: send Authorization: Bearer <token>');
  return hashToken(match[1]);
}

/**
 * The caller a hashed token belongs to now: a live session, or a clinic's API token. Both are looked
 * up at once (a clinic's system calls often, and a busy server makes every round trip count).
 */
export async function principalOfDigest(db: DbHandle, digest: string): Promise<Principal> {
  const [session, clinic] = await Promise.all([
    db.db
      .selectFrom('user_session')
      .innerJoin('app_user', 'app_user.id', 'user_session.user_id')
      .select([
        'app_user.id',
        'app_user.username',
        'app_user.role',
        'app_user.hospital_id',
        'app_user.clinic_id',
        'user_session.expires_at',
      ])
      .where('user_session.token_sha256', '=', digest)
      .executeTakeFirst(),
    db.db
      .selectFrom('clinic_api_token')
      .innerJoin('clinic', 'clinic.id', 'clinic_api_token.clinic_id')
      .select(['clinic.id', 'clinic.code'])
      .where('clinic_api_token.token_sha256', '=', digest)
      .executeTakeFirst(),
  ]);
  if (session !== undefined) {
    if (session.expires_at.getTime() <= Date.now()) throw new UnauthenticatedError('session expired; sign in again');
    return {
      kind: 'user',
      userId: session.id,
      username: session.username,
      role: session.role,
      hospitalId: session.hospital_id,
      clinicId: session.clinic_id,
    };
  }
  if (clinic !== undefined) return { kind: 'clinic', clinicId: clinic.id, clinicCode: clinic.code };
  throw new UnauthenticatedError('unknown or expired token; sign in again');
}

export function principalOf(res: Response): Principal {
  const principal = res.locals.principal as Principal | undefined;
  if (principal === undefined) throw new UnauthenticatedError('sign in first');
  return principal;
}
