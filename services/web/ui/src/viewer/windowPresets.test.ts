import { describe, expect, test } from 'vitest';
import { parseWindowHeader, renderedUrl } from './imageUrls';
import { dragWindow, presetsFor } from './windowPresets';

describe('viewer windows', () => {
  test('CT offers lung, bone and soft tissue; a radiograph only its own window', () => {
    expect(presetsFor('CT').map((p) => p.key)).toEqual(['default', 'lung', 'bone', 'softTissue']);
    expect(presetsFor('DX')).toEqual([{ key: 'default', window: null }]);
  });

  test('dragging right widens, down raises the centre, and the width never drops below 1', () => {
    expect(dragWindow({ center: 2048, width: 4096 }, 10, 0)).toEqual({ center: 2048, width: 4256 });
    expect(dragWindow({ center: 2048, width: 4096 }, 0, -10)).toEqual({ center: 1888, width: 4096 });
    expect(dragWindow({ center: 40, width: 400 }, -10_000, 0).width).toBe(1);
  });

  test('the viewer asks for the stored 1024-px preview first, then windowed or full renderings', () => {
    const ref = { studyInstanceUid: '1.2', seriesInstanceUid: '1.2.3', sopInstanceUid: '1.2.3.4' };
    expect(renderedUrl(ref)).toBe('/dicomweb/studies/1.2/series/1.2.3/instances/1.2.3.4/rendered?viewport=1024%2C1024');
    expect(renderedUrl(ref, { window: { center: -600.4, width: 1500 }, full: true })).toBe(
      '/dicomweb/studies/1.2/series/1.2.3/instances/1.2.3.4/rendered?window=-600%2C1500',
    );
    expect(parseWindowHeader('2047.5,4095')).toEqual({ center: 2047.5, width: 4095 });
    expect(parseWindowHeader(null)).toBeNull();
  });
});
