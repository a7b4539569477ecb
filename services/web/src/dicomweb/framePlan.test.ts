import { NotAcceptableError } from '@telerad/core';
import { describe, expect, test } from 'vitest';
import { parseAccept } from './acceptHeader.js';
import { planFrames } from './framePlan.js';

const ELE = '1.2.840.10008.1.2.1';
const JLS = '1.2.840.10008.1.2.4.80';
const J2K = '1.2.840.10008.1.2.4.90';

describe('parseAccept', () => {
  test('keeps quoted parameters whole and orders by q', () => {
    expect(
      parseAccept(
        'multipart/related; type="application/octet-stream"; q=0.5, multipart/related; type="image/jls"; transfer-syntax=1.2.840.10008.1.2.4.80',
      ),
    ).toEqual([
      { type: 'multipart/related', params: { type: 'image/jls', 'transfer-syntax': JLS }, q: 1 },
      { type: 'multipart/related', params: { type: 'application/octet-stream' }, q: 0.5 },
    ]);
    expect(parseAccept(undefined)).toEqual([{ type: '*/*', params: {}, q: 1 }]);
    expect(parseAccept('image/jls; q=0')).toEqual([]);
  });
});

describe('planFrames', () => {
  test.each([
    ['native, octet-stream', ELE, 'multipart/related; type="application/octet-stream"', false, 'raw'],
    ['native, anything', '1.2.840.10008.1.2', '*/*', false, 'raw'],
    ['JPEG-LS as image/jls', JLS, 'multipart/related; type="image/jls"', false, 'original'],
    [
      'JPEG-LS with transfer-syntax=*',
      JLS,
      'multipart/related; type="application/octet-stream"; transfer-syntax=*',
      false,
      'original',
    ],
    ['JPEG-LS, octet-stream with a decoder', JLS, 'multipart/related; type="application/octet-stream"', true, 'decode'],
    [
      'J2K, jls first then jp2',
      J2K,
      'multipart/related; type="image/jls", multipart/related; type="image/jp2"',
      false,
      'original',
    ],
    ['JPEG-LS, anything', JLS, '*/*', false, 'original'],
  ])('%s', (_name, syntax, accept, canDecode, kind) => {
    expect(planFrames(parseAccept(accept), syntax, canDecode).kind).toBe(kind);
  });

  test.each([
    [ELE, 'multipart/related; type="image/jls"', /uncompressed/],
    [JLS, 'multipart/related; type="application/octet-stream"', /decompressing them is not available/],
    [JLS, 'multipart/related; type="image/jp2"', /stored as image\/jls/],
    [JLS, 'image/jls', /frames go out as multipart\/related/],
  ])('%s with %s: 406 saying why', (syntax, accept, reason) => {
    expect(() => planFrames(parseAccept(accept), syntax, false)).toThrow(NotAcceptableError);
    expect(() => planFrames(parseAccept(accept), syntax, false)).toThrow(reason);
  });
});
