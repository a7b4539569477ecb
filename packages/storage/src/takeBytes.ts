/**
 * Removes exactly `n` bytes from the front of `chunks` and returns them. A part that lies inside one
 * chunk is a view, not a copy, so a large Buffer body is uploaded without being duplicated.
 * The caller guarantees that `chunks` holds at least `n` bytes.
 */
export function takeBytes(chunks: Buffer[], n: number): Buffer {
  const first = chunks[0];
  if (first !== undefined && first.length >= n) {
    if (first.length === n) chunks.shift();
    else chunks[0] = first.subarray(n);
    return first.subarray(0, n);
  }
  const out = Buffer.allocUnsafe(n);
  let offset = 0;
  while (offset < n) {
    const chunk = chunks[0];
    if (chunk === undefined) throw new RangeError(`takeBytes: asked for ${n} bytes, only ${offset} queued`);
    const take = Math.min(chunk.length, n - offset);
    chunk.copy(out, offset, 0, take);
    offset += take;
    if (take === chunk.length) chunks.shift();
    else chunks[0] = chunk.subarray(take);
  }
  return out;
}
