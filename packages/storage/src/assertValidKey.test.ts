import { describe, expect, test } from 'vitest';
import { assertValidKey, assertValidPrefix } from './assertValidKey.js';
import { InvalidBlobKeyError } from './BlobStore.js';

describe('assertValidKey', () => {
  test.each([
    'studies/1.2.840.113619.2.1/1.2.3/1.2.3.4.dcm',
    'a',
    'previews/..hidden-but-not-a-parent',
    'studies/.tmp/x.dcm',
    'clinics/乡镇卫生院/报告.pdf',
    `studies/${'x'.repeat(255)}`,
  ])('accepts %j', (key) => {
    expect(() => assertValidKey(key)).not.toThrow();
  });

  test.each([
    ['', 'empty'],
    ['/abs.dcm', 'relative'],
    ['a/../b', '".." path segment'],
    ['a/./b', '"." path segment'],
    ['a//b', 'empty path segment'],
    ['a/', 'empty path segment'],
    ['a\\b', 'backslash'],
    ['a\nb', 'control character'],
    ['.tmp/x', 'reserved'],
    [`${'x/'.repeat(512)}y`, 'longer than 1024 bytes'],
  ])('refuses %j (%s)', (key, reason) => {
    expect(() => assertValidKey(key)).toThrow(InvalidBlobKeyError);
    expect(() => assertValidKey(key)).toThrow(reason);
  });
});

describe('assertValidPrefix', () => {
  test.each(['', 'studies/', 'studies/1.2', 'studies/1.2/', 'z', '..partial'])('accepts %j', (prefix) => {
    expect(() => assertValidPrefix(prefix)).not.toThrow();
  });

  test.each(['/', '/studies', '../', 'a/../', 'a//', '.tmp/', 'a\\'])('refuses %j', (prefix) => {
    expect(() => assertValidPrefix(prefix)).toThrow(InvalidBlobKeyError);
  });
});
