export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/**
 * A shift repeated every week on `days`, from `start` to `end` ("HH:MM", local time of the
 * hospital's time zone). An `end` at or before `start` ends on the next day (a night shift
 * 20:00–08:00 that starts on Friday ends on Saturday morning); "00:00"–"00:00" is a whole day.
 */
export interface WeeklyShift {
  days: readonly Weekday[];
  start: string;
  end: string;
}

/**
 * A dated exception: the shifts starting on `date` ("YYYY-MM-DD") are these instead of the weekly
 * pattern; `off: true` means no shift starts that day (leave, a day off).
 */
export type DatedShift = { date: string; start: string; end: string } | { date: string; off: true };

/** A radiologist's shifts. With neither weekly nor dated shifts they count as on shift at all hours. */
export interface ShiftSchedule {
  weekly: readonly WeeklyShift[];
  dated: readonly DatedShift[];
}

export const NO_SHIFTS: ShiftSchedule = { weekly: [], dated: [] };

export function hasShifts(schedule: ShiftSchedule): boolean {
  return schedule.weekly.length > 0 || schedule.dated.length > 0;
}

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** "08:30" → 510 minutes after midnight, or null. */
export function minutesOfDay(text: string): number | null {
  const m = HHMM.exec(text);
  if (m === null) return null;
  return Number(m[1]) * 60 + Number(m[2]);
}
