/**
 * True for filesystem errors that mean "no such object": the path is absent, or one of its parents
 * is a file rather than a directory (as when `a/b` is an object and `a/b/c` is asked for).
 */
export function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
