import { hasShifts, minutesOfDay, type ShiftSchedule } from './shiftSchedule.js';
import { addDays, localTimeOf, weekdayOf, zonedInstant } from './zonedTime.js';

export interface ShiftWindow {
  start: number;
  end: number;
}

/** The shifts that start on a local date: its dated entries if it has any, else the weekly pattern. */
function shiftsStartingOn(schedule: ShiftSchedule, date: string): Array<{ start: string; end: string }> {
  const dated = schedule.dated.filter((d) => d.date === date);
  if (dated.length > 0) return dated.flatMap((d) => ('off' in d ? [] : [{ start: d.start, end: d.end }]));
  const weekday = weekdayOf(date);
  return schedule.weekly.filter((w) => w.days.includes(weekday));
}

function windowOf(date: string, shift: { start: string; end: string }, timeZone: string): ShiftWindow | null {
  const start = minutesOfDay(shift.start);
  const end = minutesOfDay(shift.end);
  if (start === null || end === null) return null;
  const endDate = end <= start ? addDays(date, 1) : date;
  return { start: zonedInstant(date, start, timeZone), end: zonedInstant(endDate, end, timeZone) };
}

/** How many days ahead touching shifts are followed; a shift joined beyond that has no known end. */
const HORIZON_DAYS = 8;

/**
 * The shift a radiologist is on at `now`, or null when off shift. Shifts that started yesterday and
 * run overnight count; touching shifts (08:00–20:00 then 20:00–08:00) join into one window. With no
 * shifts at all, or shifts that join up for more than a week, the window has no end (Infinity).
 */
export function currentShift(schedule: ShiftSchedule, now: number, timeZone: string): ShiftWindow | null {
  if (!hasShifts(schedule)) return { start: Number.NEGATIVE_INFINITY, end: Number.POSITIVE_INFINITY };
  const today = localTimeOf(now, timeZone).date;
  const windows: ShiftWindow[] = [];
  for (let offset = -1; offset <= HORIZON_DAYS; offset++) {
    const date = addDays(today, offset);
    for (const shift of shiftsStartingOn(schedule, date)) {
      const w = windowOf(date, shift, timeZone);
      if (w !== null) windows.push(w);
    }
  }
  windows.sort((a, b) => a.start - b.start);
  let current: ShiftWindow | null = null;
  for (const w of windows) {
    if (current === null) {
      if (w.start <= now && now < w.end) current = { ...w };
    } else if (w.start <= current.end) {
      current.end = Math.max(current.end, w.end);
    }
  }
  const horizon = zonedInstant(addDays(today, HORIZON_DAYS), 0, timeZone);
  if (current !== null && current.end > horizon) current.end = Number.POSITIVE_INFINITY;
  return current;
}

export function isOnShift(schedule: ShiftSchedule, now: number, timeZone: string): boolean {
  return currentShift(schedule, now, timeZone) !== null;
}
