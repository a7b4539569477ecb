import type { ViewWindow } from './imageUrls';

export type PresetKey = 'default' | 'lung' | 'bone' | 'softTissue';

export interface WindowPreset {
  key: PresetKey;
  /** null: the file's own window. */
  window: ViewWindow | null;
}

/** CT gets the usual chest and skeleton windows (HU); radiographs use the window the modality chose. */
export function presetsFor(modality: string): WindowPreset[] {
  if (modality.toUpperCase() === 'CT') {
    return [
      { key: 'default', window: null },
      { key: 'lung', window: { center: -600, width: 1500 } },
      { key: 'bone', window: { center: 400, width: 1800 } },
      { key: 'softTissue', window: { center: 40, width: 400 } },
    ];
  }
  return [{ key: 'default', window: null }];
}

/**
 * Window after a drag of (dx, dy) screen pixels from `start`: right widens, left narrows; down raises
 * the centre (darker image), up lowers it. One pixel moves by 1/256 of the starting width, so a drag
 * across the image covers the whole useful range whatever the modality's units.
 */
export function dragWindow(start: ViewWindow, dx: number, dy: number): ViewWindow {
  const step = Math.max(start.width / 256, 0.5);
  return { center: start.center + dy * step, width: Math.max(1, start.width + dx * step) };
}
