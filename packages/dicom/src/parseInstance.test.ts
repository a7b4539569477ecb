import { deflateRawSync } from 'node:zlib';
import iconv from 'iconv-lite';
import { describe, expect, test } from 'vitest';
import { createDxInstance } from './createDxInstance.js';
import { DicomParseError, type DicomParseReason } from './DicomParseError.js';
import { parseInstance } from './parseInstance.js';
import { rewriteElements } from './rewriteElements.js';

const ascii = (text: string) => new Uint8Array(Buffer.from(text, 'latin1'));

/** Replaces (bytes) or removes (null) top-level elements, keyed by dicom-parser tag. */
function withElements(file: Uint8Array, changes: Record<string, Uint8Array | null>): Buffer {
  return rewriteElements(file, ({ tag }) => changes[tag]);
}

function expectFailure(bytes: Uint8Array, reason: DicomParseReason, message?: string | RegExp): DicomParseError {
  try {
    parseInstance(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(DicomParseError);
    const failure = error as DicomParseError;
    expect(failure.reason).toBe(reason);
    if (message !== undefined) expect(failure.message).toMatch(message);
    return failure;
  }
  throw new Error(`expected parseInstance to fail with '${reason}'`);
}

describe('round trip with createDxInstance', () => {
  test.each(['ISO_IR 192', 'GB18030'] as const)('%s: names, UIDs and geometry come back', (characterSet) => {
    const file = createDxInstance({
      characterSet,
      patientName: 'Wang^XiaoDong=王^小东',
      patientId: 'TS-0042',
      patientSex: 'M',
      patientBirthDate: '19580312',
      accessionNumber: 'ACC7',
      studyDescription: '胸部正位',
      referringPhysicianName: 'Li^Ming=李^明',
      studyId: 'S7',
      studyInstanceUid: '1.2.826.0.1.3680043.10.1',
      seriesInstanceUid: '1.2.826.0.1.3680043.10.1.1',
      sopInstanceUid: '1.2.826.0.1.3680043.10.1.1.1',
      rows: 64,
      columns: 48,
      studyDate: '20250301',
      studyTime: '093000',
    });
    const meta = parseInstance(file);
    expect(meta).toEqual({
      sopClassUid: '1.2.840.10008.5.1.4.1.1.1.1',
      sopInstanceUid: '1.2.826.0.1.3680043.10.1.1.1',
      studyInstanceUid: '1.2.826.0.1.3680043.10.1',
      seriesInstanceUid: '1.2.826.0.1.3680043.10.1.1',
      transferSyntaxUid: '1.2.840.10008.1.2.1',
      modality: 'DX',
      patientName: { alphabetic: 'Wang^XiaoDong', ideographic: '王^小东', phonetic: '', display: '王小东' },
      patientId: 'TS-0042',
      patientSex: 'M',
      patientBirthDate: '19580312',
      studyDate: '20250301',
      studyTime: '093000',
      accessionNumber: 'ACC7',
      studyDescription: '胸部正位',
      referringPhysicianName: { alphabetic: 'Li^Ming', ideographic: '李^明', phonetic: '', display: '李明' },
      studyId: 'S7',
      seriesDescription: 'PA',
      performedProcedureStepStartDate: '',
      performedProcedureStepStartTime: '',
      seriesNumber: 1,
      instanceNumber: 1,
      bodyPartExamined: 'CHEST',
      rows: 64,
      columns: 48,
      numberOfFrames: 1,
      bitsAllocated: 16,
      specificCharacterSet: characterSet,
      charsetGuessed: false,
    });
  });

  test('GB18030 files really hold GB18030 bytes, not UTF-8', () => {
    const file = createDxInstance({ characterSet: 'GB18030', patientName: '王^小东' });
    expect(file.includes(iconv.encode('王^小东', 'gb18030'))).toBe(true);
    expect(file.includes(Buffer.from('王', 'utf8'))).toBe(false);
  });

  test('an alphabetic-only name displays with a space', () => {
    const meta = parseInstance(createDxInstance({ patientName: 'Wang^XiaoDong' }));
    expect(meta.patientName).toEqual({
      alphabetic: 'Wang^XiaoDong',
      ideographic: '',
      phonetic: '',
      display: 'Wang XiaoDong',
    });
  });

  test('CR instances carry the CR SOP class', () => {
    const meta = parseInstance(createDxInstance({ modality: 'CR' }));
    expect(meta).toMatchObject({ modality: 'CR', sopClassUid: '1.2.840.10008.5.1.4.1.1.1' });
  });
});

describe('wrong or missing character sets', () => {
  const gbkFile = () => createDxInstance({ characterSet: 'GB18030', patientName: 'Wang^XiaoDong=王^小东' });

  test('GBK bytes declared as ISO_IR 100 are decoded as GB18030 and flagged', () => {
    const file = withElements(gbkFile(), { x00080005: ascii('ISO_IR 100') });
    const meta = parseInstance(file);
    expect(meta.patientName.ideographic).toBe('王^小东');
    expect(meta.patientName.display).toBe('王小东');
    expect(meta).toMatchObject({ specificCharacterSet: 'GB18030', charsetGuessed: true });
  });

  test('GBK bytes with no Specific Character Set use the clinic default', () => {
    const file = withElements(gbkFile(), { x00080005: null });
    const meta = parseInstance(file, { defaultCharset: 'GBK' });
    expect(meta.patientName.ideographic).toBe('王^小东');
    expect(meta).toMatchObject({ specificCharacterSet: 'GBK', charsetGuessed: true });
  });

  test('GBK bytes with no Specific Character Set and no default are guessed as GB18030', () => {
    const meta = parseInstance(withElements(gbkFile(), { x00080005: null }));
    expect(meta.patientName.display).toBe('王小东');
    expect(meta).toMatchObject({ specificCharacterSet: 'GB18030', charsetGuessed: true });
  });

  test('UTF-8 bytes with no Specific Character Set are recognised as UTF-8', () => {
    const file = withElements(createDxInstance({ patientName: '李^娜' }), { x00080005: null });
    const meta = parseInstance(file);
    expect(meta.patientName.display).toBe('李娜');
    expect(meta).toMatchObject({ specificCharacterSet: 'ISO_IR 192', charsetGuessed: true });
  });

  test('real Latin-1 declared as ISO_IR 100 stays Latin-1', () => {
    const file = withElements(createDxInstance(), {
      x00080005: ascii('ISO_IR 100'),
      x00100010: iconv.encode('Müller^Jürgen', 'latin1'),
    });
    const meta = parseInstance(file);
    expect(meta.patientName.display).toBe('Müller Jürgen');
    expect(meta).toMatchObject({ specificCharacterSet: 'ISO_IR 100', charsetGuessed: false });
  });

  test('ASCII-only text needs no guess', () => {
    const file = withElements(createDxInstance({ patientName: 'Wang^XiaoDong' }), { x00080005: null });
    expect(parseInstance(file, { defaultCharset: 'GB18030' })).toMatchObject({
      specificCharacterSet: '',
      charsetGuessed: false,
    });
  });

  test('ISO 2022 IR 58 escapes decode as GB 2312', () => {
    const name = Buffer.concat([
      Buffer.from('Zhang^XiaoDong=\x1b$)A', 'latin1'),
      iconv.encode('张^', 'gb2312'),
      Buffer.from('\x1b$)A', 'latin1'),
      iconv.encode('小东', 'gb2312'),
      Buffer.from('=', 'latin1'),
    ]);
    const file = withElements(createDxInstance(), { x00080005: ascii('\\ISO 2022 IR 58'), x00100010: name });
    const meta = parseInstance(file);
    expect(meta.patientName).toEqual({
      alphabetic: 'Zhang^XiaoDong',
      ideographic: '张^小东',
      phonetic: '',
      display: '张小东',
    });
    expect(meta).toMatchObject({ specificCharacterSet: '\\ISO 2022 IR 58', charsetGuessed: false });
  });
});

describe('other encodings of the same file', () => {
  test('a plain Uint8Array works as well as a Buffer', () => {
    const file = createDxInstance({ patientId: 'U8' });
    expect(parseInstance(new Uint8Array(file)).patientId).toBe('U8');
  });

  test('deflated explicit VR little endian is inflated and checked', () => {
    const file = withElements(createDxInstance({ patientId: 'DEFL' }), { x00020010: ascii('1.2.840.10008.1.2.1.99') });
    const metaEnd = 132 + 12 + file.readUInt32LE(132 + 8);
    const deflated = Buffer.concat([file.subarray(0, metaEnd), deflateRawSync(file.subarray(metaEnd))]);
    expect(deflated.length).toBeLessThan(file.length / 2);
    expect(parseInstance(deflated)).toMatchObject({ patientId: 'DEFL', transferSyntaxUid: '1.2.840.10008.1.2.1.99' });
  });

  test('a deflated dataset that inflates past the bound is refused, not inflated whole', () => {
    const file = withElements(createDxInstance({ rows: 16, columns: 16 }), {
      x00020010: ascii('1.2.840.10008.1.2.1.99'),
    });
    const metaEnd = 132 + 12 + file.readUInt32LE(132 + 8);
    const bomb = Buffer.concat([
      file.subarray(0, metaEnd),
      deflateRawSync(Buffer.concat([file.subarray(metaEnd), Buffer.alloc(4 * 2 ** 20)])),
    ]);
    expect(bomb.length).toBeLessThan(10_000);
    expect(() => parseInstance(bomb, { maxInflatedBytes: 2 ** 20 })).toThrow(/inflates to more than 1 MB/);
  });

  test('GBK bytes declared as UTF-8 are recognised', () => {
    const file = withElements(createDxInstance({ characterSet: 'GB18030', patientName: '王^小东' }), {
      x00080005: ascii('ISO_IR 192'),
    });
    expect(parseInstance(file)).toMatchObject({
      patientName: { display: '王小东' },
      specificCharacterSet: 'GB18030',
      charsetGuessed: true,
    });
  });
});

describe('values the index cannot hold', () => {
  // Found by services/web/src/stowFuzz.int.test.ts: both reached PostgreSQL and failed the insert.
  test('an Integer String outside the IS range reads as absent', () => {
    const file = withElements(createDxInstance(), {
      x00200013: ascii('-2147483649 '),
      x00200011: ascii('2147483648'),
    });
    expect(parseInstance(file)).toMatchObject({ instanceNumber: null, seriesNumber: null });
    const edge = withElements(createDxInstance(), { x00200013: ascii('-2147483648 '), x00200011: ascii('2147483647') });
    expect(parseInstance(edge)).toMatchObject({ instanceNumber: -(2 ** 31), seriesNumber: 2 ** 31 - 1 });
  });

  test('NUL bytes inside text values are dropped', () => {
    const file = withElements(createDxInstance(), {
      x00081030: ascii('CHEST\0PA '),
      x00100020: ascii('ID\0\0-7'),
      x00080060: ascii('D\0X '),
    });
    expect(parseInstance(file)).toMatchObject({ studyDescription: 'CHESTPA', patientId: 'ID-7', modality: 'DX' });
  });
});

describe('files without a Part 10 header', () => {
  const metaEnd = (file: Buffer) => 132 + 12 + file.readUInt32LE(132 + 8);

  test('a bare explicit VR little endian dataset', () => {
    const file = createDxInstance({ patientId: 'RAW-1' });
    expect(parseInstance(file.subarray(metaEnd(file)))).toMatchObject({
      patientId: 'RAW-1',
      transferSyntaxUid: '1.2.840.10008.1.2.1',
    });
  });

  test('a file meta group without the preamble', () => {
    const file = createDxInstance({ patientId: 'NOPRE' });
    expect(parseInstance(file.subarray(132))).toMatchObject({ patientId: 'NOPRE', rows: 256 });
  });

  test('a bare implicit VR little endian dataset', () => {
    const element = (group: number, number: number, value: Uint8Array | string) => {
      const bytes = typeof value === 'string' ? Buffer.from(value.length % 2 ? `${value}\0` : value, 'latin1') : value;
      const header = Buffer.alloc(8);
      header.writeUInt16LE(group, 0);
      header.writeUInt16LE(number, 2);
      header.writeUInt32LE(bytes.length, 4);
      return Buffer.concat([header, bytes]);
    };
    const us = (value: number) => Buffer.from([value & 0xff, value >> 8]);
    const dataset = Buffer.concat([
      element(0x0008, 0x0016, '1.2.840.10008.5.1.4.1.1.1'),
      element(0x0008, 0x0018, '1.2.3.4.5'),
      element(0x0008, 0x0060, 'CR'),
      element(0x0010, 0x0010, 'Li^Lei '),
      element(0x0010, 0x0020, 'IMPL1 '),
      element(0x0020, 0x000d, '1.2.3.4'),
      element(0x0020, 0x000e, '1.2.3.4.1'),
      element(0x0028, 0x0010, us(4)),
      element(0x0028, 0x0011, us(4)),
      element(0x0028, 0x0100, us(16)),
      element(0x7fe0, 0x0010, new Uint8Array(32)),
    ]);
    expect(parseInstance(dataset)).toMatchObject({
      transferSyntaxUid: '1.2.840.10008.1.2',
      sopInstanceUid: '1.2.3.4.5',
      modality: 'CR',
      patientId: 'IMPL1',
      patientName: { display: 'Li Lei' },
      rows: 4,
      columns: 4,
      bitsAllocated: 16,
    });
  });
});

describe('rejected files', () => {
  test('random bytes are not DICOM', () => {
    let seed = 42;
    const random = Uint8Array.from({ length: 4096 }, () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed >> 16;
    });
    expectFailure(random, 'not-dicom', /not a DICOM file/);
  });

  test('a text file is not DICOM', () => {
    expectFailure(ascii('PatientName: Wang XiaoDong\n'.repeat(20)), 'not-dicom');
  });

  test.each([
    ['inside the preamble', 100],
    ['inside the file meta', 160],
    ['inside the dataset header', 420],
    ['right before the pixel data value', -131072],
    ['half way through the pixel data', -65536],
    ['one byte short', -1],
  ])('a file cut %s is truncated', (_where, cut) => {
    const file = createDxInstance();
    expectFailure(file.subarray(0, cut < 0 ? file.length + cut : cut), 'truncated', /truncated/);
  });

  test('a file cut before the pixel data element is truncated', () => {
    const file = createDxInstance();
    expectFailure(file.subarray(0, file.length - 131072 - 12), 'truncated', /ends before Pixel Data/);
  });

  test('a missing SOP Instance UID is named', () => {
    const file = withElements(createDxInstance(), { x00080018: null });
    expectFailure(file, 'missing-attribute', 'missing SOP Instance UID (0008,0018)');
  });

  test('an empty Series Instance UID counts as missing', () => {
    const file = withElements(createDxInstance(), { x0020000e: new Uint8Array(0) });
    expectFailure(file, 'missing-attribute', 'missing Series Instance UID (0020,000E)');
  });

  test.each([
    ['1.2.abc', 'may contain only digits and dots'],
    ['1.2.03.4', "component '03' has a leading zero"],
    ['1..2', 'empty component'],
    [`1.${'2'.repeat(70)}`, 'at most 64'],
  ])('an invalid Study Instance UID %s is refused', (uid, problem) => {
    const file = withElements(createDxInstance(), { x0020000d: ascii(uid) });
    const failure = expectFailure(file, 'invalid-uid', `invalid Study Instance UID (0020,000D): '${uid}'`);
    expect(failure.message).toContain(problem);
  });

  test('pixel data shorter than the geometry says', () => {
    const file = withElements(createDxInstance(), { x7fe00010: new Uint8Array(1000) });
    expectFailure(
      file,
      'pixel-data-length',
      'pixel data is 1000 bytes but Rows×Columns×BitsAllocated/8×Frames×SamplesPerPixel = 256×256×16/8×1×1 = 131072',
    );
  });

  test('an odd pixel count may carry one pad byte', () => {
    const file = createDxInstance({ rows: 3, columns: 3 });
    const eightBit = withElements(file, {
      x00280100: Buffer.from([8, 0]),
      x00280101: Buffer.from([8, 0]),
      x00280102: Buffer.from([7, 0]),
      x7fe00010: new Uint8Array(10),
    });
    expect(parseInstance(eightBit).bitsAllocated).toBe(8);
  });

  test('a transfer syntax this package does not know is unsupported', () => {
    const file = withElements(createDxInstance(), { x00020010: ascii('1.2.840.10008.1.2.4.100') });
    expectFailure(file, 'unsupported', 'transfer syntax 1.2.840.10008.1.2.4.100 is not supported');
  });

  test('a missing transfer syntax is named', () => {
    const file = withElements(createDxInstance(), { x00020010: null });
    expectFailure(file, 'missing-attribute', 'missing Transfer Syntax UID (0002,0010)');
  });
});

describe('encapsulated pixel data', () => {
  /** A JPEG Lossless file whose fragments are walked but never decoded. */
  function encapsulated(): Buffer {
    const native = withElements(createDxInstance(), { x00020010: ascii('1.2.840.10008.1.2.4.70') });
    const header = native.subarray(0, native.length - 131072 - 12);
    const item = (length: number) => {
      const bytes = Buffer.alloc(8 + length, 0x55);
      bytes.writeUInt32LE(0xe000fffe, 0);
      bytes.writeUInt32LE(length, 4);
      return bytes;
    };
    const pixelData = Buffer.from([0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x42, 0, 0, 0xff, 0xff, 0xff, 0xff]);
    const delimiter = Buffer.from([0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0]);
    return Buffer.concat([header, pixelData, item(0), item(3000), item(2000), delimiter]);
  }

  test('a complete file is accepted without a length check', () => {
    expect(parseInstance(encapsulated()).transferSyntaxUid).toBe('1.2.840.10008.1.2.4.70');
  });

  test.each([8, 1000, 3000])('a file missing its last %d bytes is truncated', (missing) => {
    const file = encapsulated();
    expectFailure(file.subarray(0, file.length - missing), 'truncated', /truncated/);
  });
});
