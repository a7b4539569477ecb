import { describe, expect, test } from 'vitest';
import { formatShifts, parseShifts } from './shiftText';

describe('shift lines', () => {
  test.each([
    ['mon-fri 08:00-17:30', [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '08:00', end: '17:30' }]],
    ['sat,sun 20:00-08:00', [{ days: ['sat', 'sun'], start: '20:00', end: '08:00' }]],
    ['fri-mon 00:00-00:00', [{ days: ['mon', 'fri', 'sat', 'sun'], start: '00:00', end: '00:00' }]],
    ['  Wed 09:00 - 12:00 \n\n', [{ days: ['wed'], start: '09:00', end: '12:00' }]],
  ])('%s', (text, shifts) => {
    expect(parseShifts(text)).toEqual({ shifts });
  });

  test.each([
    ['monday 08:00-17:00', 1],
    ['mon 8:00-17:00', 1],
    ['mon 08:00-17:00\nsun 24:00-01:00', 2],
    ['mon-fri', 1],
  ])('%s is refused at line %d', (text, badLine) => {
    expect(parseShifts(text)).toEqual({ badLine });
  });

  test('format and parse agree', () => {
    const weekly = [
      { days: ['mon', 'tue', 'wed', 'thu', 'fri'] as const, start: '08:00', end: '17:30' },
      { days: ['sat', 'sun'] as const, start: '20:00', end: '08:00' },
    ].map((s) => ({ ...s, days: [...s.days] }));
    expect(formatShifts(weekly)).toBe('mon-fri 08:00-17:30\nsat,sun 20:00-08:00');
    expect(parseShifts(formatShifts(weekly))).toEqual({ shifts: weekly });
  });
});
