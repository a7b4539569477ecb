import { PRIORITY_WEIGHT, type Priority } from './priority.js';

export interface RadiologistLoad {
  userId: string;
  username: string;
  /** Priorities of the unsigned studies currently assigned to this radiologist. */
  outstanding: readonly Priority[];
}

/**
 * First routing policy: the on-duty radiologist with the least outstanding work weighted by urgency.
 * Ties go to the username first in order, so the choice is deterministic.
 * Returns null when nobody is on duty.
 */
export function pickRadiologist(candidates: readonly RadiologistLoad[]): RadiologistLoad | null {
  let best: RadiologistLoad | null = null;
  let bestLoad = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const load = candidate.outstanding.reduce((sum, p) => sum + PRIORITY_WEIGHT[p], 0);
    if (load < bestLoad || (load === bestLoad && best !== null && candidate.username < best.username)) {
      best = candidate;
      bestLoad = load;
    }
  }
  return best;
}
