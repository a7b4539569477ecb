import type { QueuedStudy, ReadingTime, RoutableStudy, RouteOptions } from './types.js';

const FALLBACK: ReadingTime = { mean: 10, sd: 5 };

/** Expected reading time of a modality, or the fallback when the region gives none for it. */
export function readingTimeFor(modality: string, options: RouteOptions): ReadingTime {
  return options.readingMinutes[modality] ?? options.fallbackReadingMinutes ?? FALLBACK;
}

/** The study as it would sit in a radiologist's queue. */
export function toQueued(study: RoutableStudy, options: RouteOptions): QueuedStudy {
  const time = readingTimeFor(study.modality, options);
  return {
    studyId: study.id,
    priority: study.priority,
    deadlineAt: study.deadlineAt,
    expectedMinutes: time.mean,
    sdMinutes: time.sd,
  };
}
