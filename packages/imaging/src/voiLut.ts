import type { Lut } from './readImage.js';
import type { RenderWindow, VoiLutFunction } from './types.js';

/** Maps a modality value to a display value in [0, 1]. */
export type VoiTransform = (value: number) => number;

/** Window centre/width with the VOI LUT functions of PS3.3 §C.11.2.1.2 (LINEAR, LINEAR_EXACT, SIGMOID). */
export function windowTransform(window: RenderWindow): VoiTransform {
  const { center, width } = window;
  const fn: VoiLutFunction = window.fn ?? 'LINEAR';
  switch (fn) {
    case 'LINEAR': {
      // C.11.2.1.2.1: defined for width ≥ 1.
      const w = Math.max(width, 1);
      const low = center - 0.5 - (w - 1) / 2;
      const high = center - 0.5 + (w - 1) / 2;
      return (x) => (x <= low ? 0 : x > high ? 1 : w === 1 ? 1 : (x - (center - 0.5)) / (w - 1) + 0.5);
    }
    case 'LINEAR_EXACT': {
      const w = width > 0 ? width : Number.MIN_VALUE;
      const low = center - w / 2;
      const high = center + w / 2;
      return (x) => (x <= low ? 0 : x > high ? 1 : (x - center) / w + 0.5);
    }
    case 'SIGMOID': {
      const w = width > 0 ? width : Number.MIN_VALUE;
      return (x) => 1 / (1 + Math.exp((-4 * (x - center)) / w));
    }
  }
}

/** A VOI LUT Sequence item: the input clamps to the table, the output scales by its bit depth. */
export function lutTransform(lut: Lut): VoiTransform {
  let max = 0;
  for (const value of lut.data) if (value > max) max = value;
  const declaredMax = 2 ** Math.min(Math.max(lut.bits, 1), 16) - 1;
  // A table whose values exceed the depth its descriptor declares is scaled by its largest value.
  const scale = Math.max(max, declaredMax);
  const last = lut.data.length - 1;
  return (x) => {
    const index = Math.min(last, Math.max(0, Math.round(x) - lut.firstMapped));
    return (lut.data[index] ?? 0) / scale;
  };
}

export function isVoiLutFunction(value: string): value is VoiLutFunction {
  return value === 'LINEAR' || value === 'LINEAR_EXACT' || value === 'SIGMOID';
}
