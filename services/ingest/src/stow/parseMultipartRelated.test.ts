import { createDxInstance } from '@telerad/dicom';
import { describe, expect, test } from 'vitest';
import { MultipartError } from './MultipartError.js';
import { formatBytes } from './MultipartSplitter.js';
import { type MultipartPart, parseMultipartRelated } from './parseMultipartRelated.js';

const boundary = 'telerad-7f3a9c';
const contentType = `multipart/related; type="application/dicom"; boundary="${boundary}"`;

interface PartSpec {
  headers?: string[];
  body: Buffer;
}

/** A multipart body written by hand, byte for byte as RFC 2046 lays it out. */
function multipart(parts: PartSpec[], options: { preamble?: string; epilogue?: string; padding?: string } = {}) {
  const chunks: Buffer[] = [];
  if (options.preamble !== undefined) chunks.push(Buffer.from(`${options.preamble}\r\n`));
  parts.forEach((part, index) => {
    if (index > 0) chunks.push(Buffer.from('\r\n'));
    const headers = part.headers ?? ['Content-Type: application/dicom'];
    chunks.push(Buffer.from(`--${boundary}${options.padding ?? ''}\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n`));
    chunks.push(part.body);
  });
  chunks.push(Buffer.from(`\r\n--${boundary}--`));
  if (options.epilogue !== undefined) chunks.push(Buffer.from(`\r\n${options.epilogue}`));
  return Buffer.concat(chunks);
}

/** Streams `bytes` in chunks of the given sizes (cycled), counting how many chunks were pulled. */
function stream(bytes: Buffer, sizes: number[] | number) {
  const cycle = Array.isArray(sizes) ? sizes : [sizes];
  const state = { pulled: 0, total: 0 };
  let count = 0;
  for (let offset = 0, i = 0; offset < bytes.length; i++) {
    offset += cycle[i % cycle.length] as number;
    count++;
  }
  state.total = count;
  async function* chunks() {
    let offset = 0;
    for (let i = 0; offset < bytes.length; i++) {
      const size = cycle[i % cycle.length] as number;
      state.pulled++;
      yield new Uint8Array(bytes.subarray(offset, offset + size));
      offset += size;
    }
  }
  return { body: chunks(), state };
}

async function collect(bytes: Buffer, sizes: number[] | number = 64 * 1024, type = contentType, maxPartBytes = 1e9) {
  const parts: MultipartPart[] = [];
  const result = await parseMultipartRelated(
    stream(bytes, sizes).body,
    type,
    async (part) => {
      parts.push(part);
    },
    { maxPartBytes },
  );
  expect(result.parts).toBe(parts.length);
  return parts;
}

async function failure(promise: Promise<unknown>): Promise<MultipartError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(MultipartError);
  return error as MultipartError;
}

const dicomA = createDxInstance({ rows: 32, columns: 32, patientId: 'A' });
const dicomB = createDxInstance({ rows: 16, columns: 24, patientId: 'B' });

describe('parseMultipartRelated', () => {
  test('hands over each DICOM part byte for byte', async () => {
    const parts = await collect(multipart([{ body: dicomA }, { body: dicomB }]));
    expect(parts).toHaveLength(2);
    expect(parts[0]?.body.equals(dicomA)).toBe(true);
    expect(parts[1]?.body.equals(dicomB)).toBe(true);
    expect(parts[0]?.contentType).toBe('application/dicom');
    expect(parts[0]?.headers).toEqual({ 'content-type': 'application/dicom' });
  });

  test('ignores preamble and epilogue, accepts padding after the boundary and folded headers', async () => {
    const body = multipart(
      [
        {
          headers: ['Content-Type: Application/DICOM;', ' transfer-syntax=1.2.840.10008.1.2.1', 'Content-ID: <a@x>'],
          body: dicomA,
        },
        { headers: [], body: Buffer.from('no headers') },
      ],
      { preamble: 'This is the preamble.\r\nIt has lines.', epilogue: 'and an epilogue\r\n', padding: ' \t ' },
    );
    const parts = await collect(body);
    expect(parts.map((part) => part.contentType)).toEqual(['application/dicom', 'application/dicom']);
    expect(parts[0]?.headers['content-type']).toBe('Application/DICOM; transfer-syntax=1.2.840.10008.1.2.1');
    expect(parts[0]?.headers['content-id']).toBe('<a@x>');
    expect(parts[1]?.body.toString()).toBe('no headers');
  });

  test.each([
    ['unquoted boundary', `multipart/related; type=application/dicom; boundary=${boundary}`],
    ['parameters in another order and case', `Multipart/Related; BOUNDARY="${boundary}"; Type="application/dicom"`],
    ['no type parameter', `multipart/related; boundary=${boundary}`],
  ])('%s', async (_case, type) => {
    const parts = await collect(multipart([{ body: dicomA }]), 4096, type);
    expect(parts[0]?.body.equals(dicomA)).toBe(true);
  });

  test('finds boundaries split across 1-byte chunks', async () => {
    const body = multipart([{ body: dicomA }, { body: Buffer.from('tiny') }, { body: dicomB }]);
    const parts = await collect(body, 1);
    expect(parts.map((part) => part.body.length)).toEqual([dicomA.length, 4, dicomB.length]);
    expect(parts[2]?.body.equals(dicomB)).toBe(true);
  });

  test('gives the same parts for every way of cutting the body', async () => {
    // Everything here looks like a delimiter but is not one: CRLF "--" boundary must match in full.
    const tricky = Buffer.from(
      `\r\n--${boundary.slice(0, -1)}\r\n-- ${boundary}\n--${boundary}\r--${boundary}\r\n-${boundary}--${boundary}`,
    );
    const body = multipart([{ body: tricky }, { body: Buffer.alloc(0) }, { body: Buffer.from('\r\n') }]);
    const expected = [tricky, Buffer.alloc(0), Buffer.from('\r\n')];
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return 1 + (seed % 13);
    };
    const cuts: number[][] = [[1], [2], [3], [5], [body.length]];
    for (let i = 0; i < 20; i++) cuts.push(Array.from({ length: 16 }, random));
    for (const sizes of cuts) {
      const parts = await collect(body, sizes);
      expect(parts.map((part) => part.body)).toEqual(expected);
    }
  });

  test('does not read on while a part is being handled', async () => {
    const { body, state } = stream(multipart([{ body: dicomA }, { body: dicomB }]), 1000);
    const pulledDuringHandling: number[] = [];
    await parseMultipartRelated(
      body,
      contentType,
      async () => {
        const before = state.pulled;
        await new Promise((resolve) => setTimeout(resolve, 20));
        pulledDuringHandling.push(state.pulled - before);
      },
      { maxPartBytes: 1e9 },
    );
    expect(pulledDuringHandling).toEqual([0, 0]);
  });
});

describe('parseMultipartRelated refuses', () => {
  const refuse = (bytes: Buffer, type = contentType, maxPartBytes = 1e9) =>
    failure(collect(bytes, 4096, type, maxPartBytes));

  test.each([
    ['', 'content-type', 'the request has no Content-Type'],
    ['application/dicom', 'content-type', 'must be multipart/related for STOW-RS, not application/dicom'],
    [
      `multipart/related; type="application/dicom+json"; boundary=${boundary}`,
      'content-type',
      'multipart/related type "application/dicom+json" is not supported',
    ],
    ['multipart/related; type="application/dicom"', 'content-type', 'has no boundary parameter'],
    ['multipart/related; boundary="unterminated', 'content-type', 'cannot be read'],
  ])('Content-Type %j', async (type, kind, message) => {
    const error = await refuse(multipart([{ body: dicomA }]), type);
    expect(error.kind).toBe(kind);
    expect(error.message).toContain(message);
  });

  test('a part over the limit, and reads no further', async () => {
    const big = Buffer.alloc(5000, 1);
    const { body, state } = stream(
      multipart([{ body: dicomB }, { body: dicomB }, { body: big }, { body: dicomA }]),
      512,
    );
    let handled = 0;
    const error = await failure(
      parseMultipartRelated(
        body,
        contentType,
        async () => {
          handled++;
        },
        { maxPartBytes: 4096 },
      ),
    );
    expect(error.kind).toBe('too-large');
    expect(error.message).toBe('part 3 exceeds the 4 KB limit');
    expect(handled).toBe(2);
    expect(state.pulled).toBeLessThan(state.total);
  });

  test('limits are named in bytes, KB, MB or GB', async () => {
    const error = await refuse(multipart([{ body: dicomA }]), contentType, 1000);
    expect(error.message).toBe('part 1 exceeds the 1000 bytes limit');
    expect([512 * 1024 * 1024, 1536, 2 * 1024 ** 3, 1024].map(formatBytes)).toEqual([
      '512 MB',
      '1.5 KB',
      '2 GB',
      '1 KB',
    ]);
  });

  test.each([
    ['the body ends inside a part', (body: Buffer) => body.subarray(0, 3000), 'the body ended in part 1'],
    ['the closing boundary is missing its dashes', (body: Buffer) => body.subarray(0, body.length - 2), 'in part 1'],
    ['there is no boundary at all', () => Buffer.from('just some bytes'), 'the body ended before any boundary'],
    ['the body is empty', () => Buffer.alloc(0), 'the body ended before any boundary'],
  ])('%s', async (_case, cut, message) => {
    const error = await refuse(cut(multipart([{ body: dicomA }])));
    expect(error.kind).toBe('malformed');
    expect(error.message).toContain(message);
    expect(error.message).toContain(`before the closing boundary '--${boundary}--'`);
  });

  test('a boundary line with junk after it', async () => {
    const body = Buffer.from(`--${boundary}junk\r\n\r\nbody\r\n--${boundary}--`);
    const error = await refuse(body);
    expect(error.message).toBe("the first boundary is not followed by CRLF or '--'");
  });

  test('a header section without end', async () => {
    const body = Buffer.from(`--${boundary}\r\nX-Long: ${'a'.repeat(20_000)}`);
    const error = await refuse(body);
    expect(error.message).toBe('the headers of part 1 are longer than 16 KB');
  });
});
