import { randomBytes } from 'node:crypto';

/**
 * A fresh name for a schema, queue prefix or bucket. Only lower-case letters and digits, starting
 * with a letter: SQL identifiers forbid "-", S3 bucket names forbid "_" and upper case, so neither
 * can serve as a separator. At most 53 characters (both limits are 63).
 */
export function uniqueName(prefix: string): string {
  let clean = prefix.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (!/^[a-z]/.test(clean)) clean = `t${clean}`;
  return `${clean.slice(0, 40)}${randomBytes(8).toString('hex').slice(0, 13)}`;
}
