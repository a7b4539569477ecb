/**
 * A deterministic 12-bit picture that looks roughly like a PA chest film (dark lungs, bright
 * mediastinum, spine, ribs and diaphragm), so rendered previews and window/level can be judged
 * by eye and compressed sizes are realistic, unlike noise or a flat image.
 * The last result is kept: benchmarks make many instances of one size, and callers copy it.
 */
export function chestPhantomPixels(rows: number, columns: number): Uint16Array {
  if (last && last.rows === rows && last.columns === columns) return last.pixels;
  const pixels = draw(rows, columns);
  last = { rows, columns, pixels };
  return pixels;
}

let last: { rows: number; columns: number; pixels: Uint16Array } | undefined;

function draw(rows: number, columns: number): Uint16Array {
  const pixels = new Uint16Array(rows * columns);
  // Per-column terms, so the inner loop is arithmetic only.
  const us = new Float64Array(columns);
  const diaphragmBase = new Float64Array(columns);
  const ribSin = new Float64Array(columns);
  const ribCos = new Float64Array(columns);
  for (let x = 0; x < columns; x++) {
    const u = columns > 1 ? (x / (columns - 1)) * 2 - 1 : 0; // -1 patient's right, +1 left
    us[x] = u;
    diaphragmBase[x] = 0.78 - 0.07 * Math.cos(u * 2.2) + (u > 0 ? 0.03 : 0);
    ribSin[x] = Math.sin(u * u * 9);
    ribCos[x] = Math.cos(u * u * 9);
  }
  for (let y = 0; y < rows; y++) {
    const v = rows > 1 ? y / (rows - 1) : 0.5; // 0 at the neck, 1 at the abdomen
    const torsoHalfWidth = 0.62 + 0.28 * Math.sin(Math.min(v, 0.75) * Math.PI * 0.7);
    const rowSin = Math.sin(v * 46);
    const rowCos = Math.cos(v * 46);
    const lungV = ((v - 0.45) / 0.36) ** 2;
    const heartV = ((v - 0.63) / 0.17) ** 2;
    const offset = y * columns;
    for (let x = 0; x < columns; x++) {
      const u = us[x] as number;
      const side = Math.abs(u);
      let value: number;
      if (side > torsoHalfWidth || v < 0.04) {
        value = 180 + 60 * v; // air around the patient
      } else if (v > (diaphragmBase[x] as number)) {
        value = 2150 + 300 * v; // liver and abdomen
      } else {
        value = 1700 + 300 * v;
        const inLung = ((side - 0.42) / 0.3) ** 2 + lungV < 1;
        const inHeart = ((u - 0.1) / 0.24) ** 2 + heartV < 1;
        if (inHeart) {
          value = 2250;
        } else if (inLung) {
          value = 700 + 500 * (1 - side) * v; // more vessels medially and at the bases
          // sin(46v − 9u²): curved rib shadows crossing the lung fields
          if (rowSin * (ribCos[x] as number) - rowCos * (ribSin[x] as number) > 0.55) value += 420;
        }
        if (side < 0.055) value += 650; // spine
      }
      pixels[offset + x] = value < 0 ? 0 : value > 4095 ? 4095 : Math.round(value);
    }
  }
  return pixels;
}
