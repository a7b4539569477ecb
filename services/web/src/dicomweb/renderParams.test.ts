import { NotAcceptableError, ValidationError } from '@telerad/core';
import { describe, expect, test } from 'vitest';
import { negotiateFormat, parseRenderRequest } from './renderParams.js';

describe('rendered and thumbnail parameters', () => {
  test.each([
    [undefined, 'jpeg'],
    ['*/*', 'jpeg'],
    ['image/*', 'jpeg'],
    ['image/png', 'png'],
    ['image/webp, image/png;q=0.9', 'webp'],
    ['image/webp;q=0.5, image/png', 'png'],
    ['application/dicom;q=1, image/png;q=0.2', 'png'],
    ['multipart/related; type="image/png"', 'png'],
    ['multipart/related; type="image/webp", image/jpeg;q=0.5', 'webp'],
  ])('Accept %s renders as %s', (accept, format) => {
    expect(negotiateFormat(accept)).toBe(format);
  });

  test.each(['application/dicom', 'image/gif', 'image/png;q=0', 'multipart/related; type="application/dicom"'])(
    'Accept %s is 406',
    (accept) => {
      expect(() => negotiateFormat(accept)).toThrow(NotAcceptableError);
    },
  );

  test('window, viewport and quality become numbers; the accept parameter overrides the header', () => {
    const request = parseRenderRequest(
      'rendered',
      { window: '40,400,sigmoid', viewport: '512,256', quality: '75', accept: 'image/webp' },
      'image/png',
      '2',
    );
    expect(request).toEqual({
      kind: 'rendered',
      format: 'webp',
      frame: 2,
      window: { center: 40, width: 400, fn: 'SIGMOID' },
      viewport: { width: 512, height: 256 },
      quality: 75,
    });
    expect(parseRenderRequest('rendered', { window: '-600,1500' }, undefined).window).toEqual({
      center: -600,
      width: 1500,
      fn: 'LINEAR',
    });
  });

  test.each([
    [{ window: '40' }, /window "40" is not center,width/],
    [{ window: 'a,b' }, /is not center,width/],
    [{ window: '40,0' }, /width 0 is too small: it must be ≥ 1/],
    [{ window: '40,0.5,LINEAR_EXACT' }, null],
    [{ window: '40,400,GAMMA' }, /function "GAMMA" is not LINEAR/],
    [{ viewport: '0,100' }, /viewport "0,100" is not width,height/],
    [{ viewport: '100' }, /viewport "100"/],
    [{ viewport: '100,100,0,0,10,10' }, /source region/],
    [{ quality: '0' }, /quality "0" is not a whole number from 1 to 100/],
    [{ quality: '101' }, /quality/],
    [{ window: ['1,2', '3,4'] }, /window may be given once/],
  ])('%o → 400 %s', (query, message) => {
    if (message === null) {
      expect(() => parseRenderRequest('rendered', query, undefined)).not.toThrow();
      return;
    }
    expect(() => parseRenderRequest('rendered', query, undefined)).toThrow(ValidationError);
    expect(() => parseRenderRequest('rendered', query, undefined)).toThrow(message);
  });

  test('a thumbnail takes only a viewport, and frames one at a time', () => {
    expect(() => parseRenderRequest('thumbnail', { window: '1,2' }, undefined)).toThrow(
      /thumbnail takes only viewport/,
    );
    expect(parseRenderRequest('thumbnail', { viewport: '64,64' }, undefined).viewport).toEqual({
      width: 64,
      height: 64,
    });
    expect(() => parseRenderRequest('rendered', {}, undefined, '1,2')).toThrow(/take one frame number/);
    expect(() => parseRenderRequest('rendered', {}, undefined, '0')).toThrow(/frame "0"/);
  });
});
