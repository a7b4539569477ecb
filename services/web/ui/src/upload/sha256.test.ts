import { expect, test } from 'vitest';
import { Sha256, sha256File } from './sha256';

const hex = (bytes: ArrayBuffer | Uint8Array) =>
  Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');

function randomBytes(length: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i += 65536) crypto.getRandomValues(bytes.subarray(i, Math.min(i + 65536, length)));
  return bytes;
}

test('the known answers of FIPS 180-4', () => {
  const text = (s: string) => new TextEncoder().encode(s);
  expect(hex(new Sha256().digest())).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  expect(hex(new Sha256().update(text('abc')).digest())).toBe(
    'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
  );
  expect(hex(new Sha256().update(text('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).digest())).toBe(
    '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
  );
});

test.each([1, 55, 56, 63, 64, 65, 119, 120, 1000, 100_003])(
  '%i bytes in uneven pieces match WebCrypto',
  async (length) => {
    const data = randomBytes(length);
    const expected = hex(await crypto.subtle.digest('SHA-256', data));
    const hash = new Sha256();
    for (let at = 0, step = 1; at < length; at += step, step = (step * 7) % 131 || 1)
      hash.update(data.subarray(at, at + step));
    expect(hex(hash.digest())).toBe(expected);
    expect(await sha256File(new Blob([data]))).toBe(expected);
  },
);

test('a file over the in-memory limit is hashed slice by slice to the same answer', async () => {
  const data = randomBytes(65 * 1024 * 1024);
  const expected = hex(await crypto.subtle.digest('SHA-256', data));
  expect(await sha256File(new Blob([data]))).toBe(expected);
}, 60_000);
