import type { QueuedStudy, ReadingTime, ReadingTimes, RoutableStudy, RouteOptions } from './types.js';

const FALLBACK: ReadingTime = { mean: 10, sd: 5 };

/** Expected reading minutes per modality for plain films until a region configures its own. */
export const PLAIN_FILM_READING_MINUTES = {
  DX: { mean: 6, sd: 3 },
  CR: { mean: 7, sd: 3.5 },
} as const satisfies Record<string, ReadingTime>;

/** Expected reading time of a study from its modalities ("DX\\CR": the first decides), plain-film defaults. */
export function readingTimeOfModalities(
  modalities: string,
  times: ReadingTimes = PLAIN_FILM_READING_MINUTES,
): ReadingTime {
  const first = modalities.split('\\')[0] ?? '';
  return times[first] ?? FALLBACK;
}

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
