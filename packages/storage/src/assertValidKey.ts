import { InvalidBlobKeyError } from './BlobStore.js';

/** S3's limit on a whole key; the filesystem store keeps to it too so both accept the same keys. */
const MAX_KEY_BYTES = 1024;
/** NAME_MAX on Linux filesystems; S3 has no such limit, but the filesystem store needs it. */
const MAX_SEGMENT_BYTES = 255;
/** The filesystem store writes temporary files here; it must never be reachable as a key. */
export const RESERVED_TMP_SEGMENT = '.tmp';

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** Throws InvalidBlobKeyError unless `key` is a safe relative path (see BlobStore). */
export function assertValidKey(key: string): void {
  if (key.length === 0) throw new InvalidBlobKeyError(key, 'it is empty');
  assertSegments(key, key.split('/'));
}

/**
 * A list prefix is a key with its last segment cut short, so it may be empty or end in `/`; every
 * segment before the last must still be a valid key segment, which keeps listing inside the store.
 */
export function assertValidPrefix(prefix: string): void {
  if (prefix.length === 0) return;
  const segments = prefix.split('/');
  const last = segments.pop() ?? '';
  if (segments.length > 0) assertSegments(prefix, segments);
  if (last.length > 0) assertCharacters(prefix, last);
}

function assertSegments(key: string, segments: string[]): void {
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) {
    throw new InvalidBlobKeyError(key, `it is longer than ${MAX_KEY_BYTES} bytes`);
  }
  if (segments[0] === '') throw new InvalidBlobKeyError(key, 'it must be relative (no leading "/")');
  if (segments[0] === RESERVED_TMP_SEGMENT) {
    throw new InvalidBlobKeyError(key, `"${RESERVED_TMP_SEGMENT}/" is reserved for temporary files`);
  }
  for (const segment of segments) {
    if (segment === '') throw new InvalidBlobKeyError(key, 'it has an empty path segment');
    if (segment === '.' || segment === '..') {
      throw new InvalidBlobKeyError(key, `it has a "${segment}" path segment`);
    }
    if (Buffer.byteLength(segment) > MAX_SEGMENT_BYTES) {
      throw new InvalidBlobKeyError(key, `a path segment is longer than ${MAX_SEGMENT_BYTES} bytes`);
    }
    assertCharacters(key, segment);
  }
}

function assertCharacters(key: string, segment: string): void {
  if (segment.includes('\\')) throw new InvalidBlobKeyError(key, 'it contains a backslash');
  if (CONTROL_CHARACTERS.test(segment)) throw new InvalidBlobKeyError(key, 'it contains a control character');
}
