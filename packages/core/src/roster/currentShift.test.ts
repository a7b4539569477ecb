import { describe, expect, test } from 'vitest';
import { currentShift, isOnShift } from './currentShift.js';
import type { ShiftSchedule } from './shiftSchedule.js';
import { localTimeOf, zonedInstant } from './zonedTime.js';

const TZ = 'Asia/Shanghai';
/** 2026-11-23 is a Monday. */
const at = (date: string, time: string) => {
  const [h, m] = time.split(':').map(Number);
  return zonedInstant(date, (h ?? 0) * 60 + (m ?? 0), TZ);
};
const weekdays: ShiftSchedule = {
  weekly: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '08:00', end: '17:30' }],
  dated: [],
};
const nights: ShiftSchedule = { weekly: [{ days: ['fri'], start: '20:00', end: '08:00' }], dated: [] };

describe('zoned time', () => {
  test('Asia/Shanghai is UTC+8 with no daylight saving', () => {
    expect(new Date(at('2026-11-23', '08:00')).toISOString()).toBe('2026-11-23T00:00:00.000Z');
    expect(new Date(at('2026-07-01', '00:30')).toISOString()).toBe('2026-06-30T16:30:00.000Z');
    expect(localTimeOf(Date.parse('2026-11-22T17:00:00Z'), TZ)).toEqual({
      date: '2026-11-23',
      weekday: 'mon',
      minutes: 60,
    });
  });
  test('a zone with daylight saving keeps wall-clock times', () => {
    expect(new Date(zonedInstant('2026-07-01', 9 * 60, 'Europe/Berlin')).toISOString()).toBe(
      '2026-07-01T07:00:00.000Z',
    );
    expect(new Date(zonedInstant('2026-12-01', 9 * 60, 'Europe/Berlin')).toISOString()).toBe(
      '2026-12-01T08:00:00.000Z',
    );
  });
});

describe('currentShift', () => {
  test.each([
    ['weekday morning', weekdays, '2026-11-23', '09:00', true],
    ['weekday at the start', weekdays, '2026-11-23', '08:00', true],
    ['weekday at the end', weekdays, '2026-11-23', '17:30', false],
    ['weekday before', weekdays, '2026-11-23', '07:59', false],
    ['saturday', weekdays, '2026-11-28', '10:00', false],
    ['friday night', nights, '2026-11-27', '23:00', true],
    ['saturday early morning, the night shift from friday', nights, '2026-11-28', '03:00', true],
    ['saturday after the night shift', nights, '2026-11-28', '08:00', false],
    ['friday afternoon before the night', nights, '2026-11-27', '15:00', false],
    ['thursday night', nights, '2026-11-26', '23:00', false],
    ['no shifts at all: always on', { weekly: [], dated: [] }, '2026-11-28', '03:00', true],
  ])('%s', (_name, schedule, date, time, expected) => {
    expect(isOnShift(schedule, at(date, time), TZ)).toBe(expected);
  });

  test('a dated entry replaces the weekly pattern that day', () => {
    const leave: ShiftSchedule = { ...weekdays, dated: [{ date: '2026-11-24', off: true }] };
    expect(isOnShift(leave, at('2026-11-24', '10:00'), TZ)).toBe(false);
    expect(isOnShift(leave, at('2026-11-25', '10:00'), TZ)).toBe(true);
    const extra: ShiftSchedule = { ...weekdays, dated: [{ date: '2026-11-28', start: '09:00', end: '12:00' }] };
    expect(isOnShift(extra, at('2026-11-28', '11:00'), TZ)).toBe(true);
    expect(isOnShift(extra, at('2026-11-28', '13:00'), TZ)).toBe(false);
  });

  test('touching shifts join: a day shift then a night shift end the next morning', () => {
    const around: ShiftSchedule = {
      weekly: [
        { days: ['mon'], start: '08:00', end: '20:00' },
        { days: ['mon'], start: '20:00', end: '08:00' },
      ],
      dated: [],
    };
    expect(currentShift(around, at('2026-11-23', '12:00'), TZ)).toEqual({
      start: at('2026-11-23', '08:00'),
      end: at('2026-11-24', '08:00'),
    });
  });

  test('shifts that join up for more than a week have no end', () => {
    const always: ShiftSchedule = {
      weekly: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '08:00', end: '08:00' }],
      dated: [],
    };
    expect(currentShift(always, at('2026-11-25', '12:00'), TZ)?.end).toBe(Number.POSITIVE_INFINITY);
    const weekdaysOnly: ShiftSchedule = {
      weekly: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '00:00', end: '00:00' }],
      dated: [],
    };
    expect(currentShift(weekdaysOnly, at('2026-11-25', '12:00'), TZ)?.end).toBe(at('2026-11-28', '00:00'));
  });

  test('00:00 to 00:00 is a whole day, every day makes it always on', () => {
    const always: ShiftSchedule = {
      weekly: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '00:00', end: '00:00' }],
      dated: [],
    };
    for (const time of ['00:00', '06:00', '23:59']) expect(isOnShift(always, at('2026-11-25', time), TZ)).toBe(true);
  });
});
