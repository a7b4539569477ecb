import { expect, test } from 'vitest';
import { uidProblem } from './uidProblem.js';

test.each([
  ['1.2.840.10008.5.1.4.1.1.1.1', null],
  ['0.1.2', null],
  ['2.25.0', null],
  ['1.2.3.0.4', null],
  ['', 'it is empty'],
  ['1.2.abc', 'it may contain only digits and dots'],
  ['1.2.3 ', 'it may contain only digits and dots'],
  ['1.02.3', "component '02' has a leading zero"],
  ['1..2', 'it has an empty component'],
  ['.1.2', 'it has an empty component'],
  ['1.2.', 'it has an empty component'],
  [`1.${'9'.repeat(62)}`, null],
  [`1.${'9'.repeat(63)}`, 'it is 65 characters long (at most 64)'],
])('%j → %j', (uid, problem) => {
  expect(uidProblem(uid)).toBe(problem);
});
