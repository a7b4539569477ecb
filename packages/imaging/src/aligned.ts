/**
 * `bytes` bytes of `pixels`, starting at an offset that is a multiple of `alignment` so that a
 * Uint16Array or Uint32Array can view them: the same memory when it already does, else a copy
 * (a file handed over as part of a larger Buffer may start at any offset).
 */
export function aligned(pixels: Uint8Array, bytes: number, alignment: 2 | 4): Uint8Array {
  if (pixels.byteOffset % alignment === 0) return pixels;
  // new Uint8Array(view) copies; Buffer#slice would return another view at the same offset.
  return new Uint8Array(pixels.subarray(0, bytes));
}
