/**
 * True for the errors minio raises for an absent object: `NoSuchKey` from GET (which has an XML
 * body) and `NotFound` from HEAD (which has none). A missing bucket is not "absent object": it means
 * misconfiguration and must surface.
 */
export function isS3NotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return code === 'NoSuchKey' || code === 'NotFound';
}
