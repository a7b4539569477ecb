/** Professional titles of a radiologist, lowest first: 住院医师, 主治医师, 副主任医师, 主任医师. */
export const TITLES = ['resident', 'attending', 'associate-chief', 'chief'] as const;
export type Title = (typeof TITLES)[number];

export function isTitle(value: unknown): value is Title {
  return typeof value === 'string' && (TITLES as readonly string[]).includes(value);
}

/**
 * Whether a radiologist with this title may be given a study to report and sign alone. Remote
 * reports are signed by an attending (主治医师) or above; a resident only where the hospital allows
 * it. A radiologist whose title was never recorded is not held back by it.
 */
export function maySignAlone(title: Title | null, residentsMaySign: boolean): boolean {
  return title !== 'resident' || residentsMaySign;
}
