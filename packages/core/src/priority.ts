/** Study priorities, most urgent first. The order is used for tie-breaking everywhere. */
export const PRIORITIES = ['emergency', 'outpatient', 'inpatient'] as const;
export type Priority = (typeof PRIORITIES)[number];

export function isPriority(value: unknown): value is Priority {
  return typeof value === 'string' && (PRIORITIES as readonly string[]).includes(value);
}

/** Relative urgency used to weigh outstanding work: an emergency counts more than an inpatient film. */
export const PRIORITY_WEIGHT: Readonly<Record<Priority, number>> = {
  emergency: 3,
  outpatient: 2,
  inpatient: 1,
};
