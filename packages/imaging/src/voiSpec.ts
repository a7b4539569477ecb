import type { Lut } from './readImage.js';
import type { RenderWindow } from './types.js';
import { lutTransform, type VoiTransform, windowTransform } from './voiLut.js';

/**
 * A VOI stage as data, so it can be kept beside a decoded frame and applied later (re-windowing):
 * a window, a VOI LUT Sequence table, a step (an image of one value and its padding) or all black.
 */
export type VoiSpec =
  | { kind: 'window'; window: RenderWindow }
  | { kind: 'lut'; lut: Lut }
  | { kind: 'step'; at: number }
  | { kind: 'black' };

export function voiTransformOf(spec: VoiSpec): VoiTransform {
  switch (spec.kind) {
    case 'window':
      return windowTransform(spec.window);
    case 'lut':
      return lutTransform(spec.lut);
    case 'step': {
      const { at } = spec;
      return (x) => (x < at ? 0 : 1);
    }
    case 'black':
      return () => 0;
  }
}
