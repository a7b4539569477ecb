import { expect, test } from 'vitest';
import { parsePersonName } from './personName.js';

test.each([
  ['Wang^XiaoDong=王^小东', { alphabetic: 'Wang^XiaoDong', ideographic: '王^小东', phonetic: '', display: '王小东' }],
  ['Wang^XiaoDong', { alphabetic: 'Wang^XiaoDong', ideographic: '', phonetic: '', display: 'Wang XiaoDong' }],
  ['=王^小东', { alphabetic: '', ideographic: '王^小东', phonetic: '', display: '王小东' }],
  [
    'Yamada^Tarou=山田^太郎=やまだ^たろう',
    { alphabetic: 'Yamada^Tarou', ideographic: '山田^太郎', phonetic: 'やまだ^たろう', display: '山田太郎' },
  ],
  [
    'Smith^John^Q^Dr^Jr',
    { alphabetic: 'Smith^John^Q^Dr^Jr', ideographic: '', phonetic: '', display: 'Dr Smith John Q Jr' },
  ],
  ['Zhang^^', { alphabetic: 'Zhang^^', ideographic: '', phonetic: '', display: 'Zhang' }],
  ['', { alphabetic: '', ideographic: '', phonetic: '', display: '' }],
])('%j', (value, expected) => {
  expect(parsePersonName(value)).toEqual(expected);
});
