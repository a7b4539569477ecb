import { createDxInstance } from '@telerad/dicom';
import { describe, expect, test } from 'vitest';
import { prepareWindowable } from './renderInstance.js';
import type { WindowableFrame } from './windowable.js';
import { renderWindowable } from './windowable.js';
import { windowableFromBytes, windowableToBytes } from './windowableFile.js';

async function keptFrame(): Promise<WindowableFrame> {
  const { windowable } = await prepareWindowable(createDxInstance({ rows: 300, columns: 250 }), {
    format: 'png',
    maxSize: 120,
  });
  if (windowable === undefined) throw new Error('not kept');
  return windowable;
}

describe('a kept frame as stored', () => {
  test('reads back into shared memory and renders the same image', async () => {
    const frame = await keptFrame();
    const bytes = windowableToBytes(frame);
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('TLKF');
    const back = windowableFromBytes(bytes);
    expect(back.samples.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect({ ...back, samples: undefined }).toEqual({ ...frame, samples: undefined });
    expect(Buffer.from(back.samples.buffer).equals(Buffer.from(frame.samples.buffer))).toBe(true);
    const window = { center: 1400, width: 2000 };
    expect(
      (await renderWindowable(back, { format: 'png', window })).data.equals(
        (await renderWindowable(frame, { format: 'png', window })).data,
      ),
    ).toBe(true);
  });

  test('a VOI LUT default survives the trip', async () => {
    const frame = await keptFrame();
    const lut = { firstMapped: 0, bits: 16, data: Uint16Array.from([0, 100, 65535]) };
    const back = windowableFromBytes(windowableToBytes({ ...frame, defaultVoi: { kind: 'lut', lut } }));
    expect(back.defaultVoi).toEqual({ kind: 'lut', lut });
  });

  test('anything but a whole, intact frame is refused', async () => {
    const bytes = windowableToBytes(await keptFrame());
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 3] = (flipped[flipped.length - 3] as number) ^ 0x10;
    const otherVersion = Buffer.from(bytes);
    otherVersion.writeUInt32LE(2, 4);
    expect(() => windowableFromBytes(bytes.subarray(0, bytes.length - 2))).toThrow(/sample bytes/);
    expect(() => windowableFromBytes(flipped)).toThrow(/checksum/);
    expect(() => windowableFromBytes(otherVersion)).toThrow(/version 2/);
    expect(() => windowableFromBytes(Buffer.from('not a frame at all'))).toThrow(/not a kept frame/);
    expect(() => windowableFromBytes(bytes.subarray(0, 20))).toThrow(/cut short/);
  });
});
