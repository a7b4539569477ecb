import type { Weekday, WeeklyShift } from './rosterApi';

const DAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/** "mon-fri 08:00-17:30": one weekly shift per line, as an administrator types it. */
export function formatShifts(weekly: readonly WeeklyShift[]): string {
  return weekly.map((s) => `${formatDays(s.days)} ${s.start}-${s.end}`).join('\n');
}

function formatDays(days: readonly Weekday[]): string {
  const idx = days.map((d) => DAYS.indexOf(d)).sort((a, b) => a - b);
  const contiguous = idx.every((d, i) => i === 0 || d === (idx[i - 1] ?? -2) + 1);
  if (idx.length > 2 && contiguous) return `${DAYS[idx[0] ?? 0]}-${DAYS[idx.at(-1) ?? 0]}`;
  return idx.map((d) => DAYS[d]).join(',');
}

/**
 * Parses shift lines back: days as "mon-fri", "sat,sun" or "mon"; times "HH:MM-HH:MM" (an end at or
 * before the start runs into the next day). Returns the shifts, or the number of the first bad line.
 */
export function parseShifts(text: string): { shifts: WeeklyShift[] } | { badLine: number } {
  const shifts: WeeklyShift[] = [];
  const lines = text.split('\n');
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim().toLowerCase();
    if (line === '') continue;
    const m = /^(\S+)\s+(\d{2}:\d{2})\s*-\s*(\d{2}:\d{2})$/.exec(line);
    const days = m ? parseDays(m[1] ?? '') : null;
    if (!m || days === null || !TIME.test(m[2] ?? '') || !TIME.test(m[3] ?? '')) return { badLine: i + 1 };
    shifts.push({ days, start: m[2] ?? '', end: m[3] ?? '' });
  }
  return { shifts };
}

function parseDays(text: string): Weekday[] | null {
  const days = new Set<Weekday>();
  for (const part of text.split(',')) {
    const range = part.split('-');
    const from = DAYS.indexOf(range[0] as Weekday);
    const to = DAYS.indexOf((range[1] ?? range[0]) as Weekday);
    if (from < 0 || to < 0 || range.length > 2) return null;
    for (let d = from; ; d = (d + 1) % 7) {
      days.add(DAYS[d] as Weekday);
      if (d === to) break;
    }
  }
  return DAYS.filter((d) => days.has(d));
}
