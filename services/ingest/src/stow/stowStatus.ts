/**
 * The HTTP status of a Store Instances response (PS3.18 §10.5.3, Table 10.5.3-1): 200 when every
 * instance was stored, 202 when some were stored and others failed, 409 Conflict when none was
 * stored although the request was well formed ("unable to store any instances due to a conflict
 * in the request … or for a mixture of reasons"). 400 is for a request that could not be parsed
 * at all, which is a MultipartError, not a count.
 */
export function stowStatus(storedCount: number, failedCount: number): 200 | 202 | 409 {
  if (storedCount === 0) return 409;
  return failedCount === 0 ? 200 : 202;
}
