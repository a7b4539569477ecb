import { describe, expect, test } from 'vitest';
import { ConflictError } from './errors.js';
import { isOpenForReading, nextStudyStatus, STUDY_STATUSES, type StudyEvent, type StudyStatus } from './studyStatus.js';

describe('study state machine', () => {
  test.each([
    ['receiving', 'complete', 'ready'],
    ['ready', 'assign', 'assigned'],
    ['assigned', 'assign', 'assigned'],
    ['ready', 'claim', 'reading'],
    ['assigned', 'claim', 'reading'],
    ['reading', 'release', 'assigned'],
    ['reading', 'sign', 'signed'],
  ] as const)('%s --%s--> %s', (from, event, to) => {
    expect(nextStudyStatus(from, event)).toBe(to);
  });

  test.each([
    ['receiving', 'claim'],
    ['receiving', 'sign'],
    ['assigned', 'sign'],
    ['signed', 'claim'],
    ['signed', 'sign'],
    ['signed', 'complete'],
  ] as const)('%s refuses %s with a reason', (from, event) => {
    expect(() => nextStudyStatus(from, event)).toThrow(ConflictError);
    expect(() => nextStudyStatus(from, event)).toThrow(new RegExp(`study is ${from}; cannot ${event}`));
  });

  test('a signed study never leaves signed', () => {
    const events: StudyEvent[] = ['complete', 'assign', 'claim', 'release', 'sign'];
    for (const event of events) expect(() => nextStudyStatus('signed', event)).toThrow(ConflictError);
  });

  test('the SLA clock runs exactly between ready and signed', () => {
    const open = STUDY_STATUSES.filter((s: StudyStatus) => isOpenForReading(s));
    expect(open).toEqual(['ready', 'assigned', 'reading']);
  });
});
