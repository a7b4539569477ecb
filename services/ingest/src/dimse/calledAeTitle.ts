import type { Priority } from '@telerad/core';

/** Appended to the region's AE title to mark an urgent send: `TELERAD_STAT` → emergency. */
export const statSuffix = '_STAT';

/**
 * What a called AE title asks for: the region's own title takes the clinic's default priority,
 * the title with `_STAT` appended makes the study an emergency; any other title is not ours (null).
 * AE titles are compared without their space padding, case-sensitively as PS3.8 defines them.
 */
export function parseCalledAeTitle(regionAeTitle: string, calledAeTitle: string): { priority?: Priority } | null {
  const called = calledAeTitle.trim();
  const own = regionAeTitle.trim();
  if (called === own) return {};
  if (called === `${own}${statSuffix}`) return { priority: 'emergency' };
  return null;
}
