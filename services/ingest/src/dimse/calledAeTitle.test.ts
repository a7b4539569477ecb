import { describe, expect, test } from 'vitest';
import { parseCalledAeTitle } from './calledAeTitle.js';

describe('parseCalledAeTitle', () => {
  test.each([
    ['TELERAD', 'TELERAD', {}],
    ['TELERAD', 'TELERAD   ', {}],
    ['TELERAD', 'TELERAD_STAT', { priority: 'emergency' }],
    ['DISTRICT_RAD', 'DISTRICT_RAD_STAT', { priority: 'emergency' }],
    ['TELERAD', 'telerad', null],
    ['TELERAD', 'ANY-SCP', null],
    ['TELERAD', 'TELERAD_URGENT', null],
    ['TELERAD', '_STAT', null],
  ])('region %s, called %j → %j', (region, called, expected) => {
    expect(parseCalledAeTitle(region, called)).toEqual(expected);
  });
});
