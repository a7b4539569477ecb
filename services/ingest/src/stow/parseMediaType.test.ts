import { expect, test } from 'vitest';
import { parseMediaType } from './parseMediaType.js';

test.each([
  [
    'multipart/related; type="application/dicom"; boundary=abc',
    'multipart/related',
    { type: 'application/dicom', boundary: 'abc' },
  ],
  [
    'Multipart/Related;Boundary="a b\\"c";TYPE=application/dicom',
    'multipart/related',
    { boundary: 'a b"c', type: 'application/dicom' },
  ],
  ['multipart/related; boundary=----=_Part_0_1/2;', 'multipart/related', { boundary: '----=_Part_0_1/2' }],
  ['application/dicom', 'application/dicom', {}],
])('%j', (value, type, parameters) => {
  const parsed = parseMediaType(value);
  expect(parsed?.type).toBe(type);
  expect(Object.fromEntries(parsed?.parameters ?? [])).toEqual(parameters);
});

test.each(['', 'multipart', 'multipart/related; boundary', 'multipart/related; boundary="open', 'a/b c'])(
  '%j cannot be read',
  (value) => {
    expect(parseMediaType(value)).toBeNull();
  },
);
