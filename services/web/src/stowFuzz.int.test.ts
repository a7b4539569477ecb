import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { createDxInstance, rewriteElements } from '@telerad/dicom';
import { openRuntime, type Runtime } from '@telerad/runtime';
import { testConfig } from '@telerad/testkit';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createApp } from './createApp.js';

/**
 * Fuzzes STOW-RS with thousands of bad inputs: mutated real files (truncated, wrong element lengths,
 * wrong VRs, huge lengths, byte flips, wrong values, random bytes) several to a request, and garbage
 * multipart framing one to a request. Every input must get an answer (no hang, no 5xx) that gives a
 * reason for each refusal, and the index must hold nothing it should not: every instance row has its
 * blob with the recorded size and SHA-256, every study and series has an instance, and no input that
 * was refused is indexed.
 *
 * Reproduce a failure with the seed it prints: STOW_FUZZ_SEED=<seed> vitest run services/web/src/stowFuzz.
 * STOW_FUZZ_RUNS scales the number of requests (default 1: about 2,000 cases).
 */
const SEED = Number(process.env.STOW_FUZZ_SEED ?? 20_261_124);
const SCALE = Number(process.env.STOW_FUZZ_RUNS ?? 1);
const DICOM_REQUESTS = Math.round(260 * SCALE);
const FRAMING_REQUESTS = Math.round(520 * SCALE);
const REQUEST_TIMEOUT_MS = 20_000;
const MAX_INSTANCE_MB = 1;
const CLINIC = 'Bearer demo-token-clinic-a';
const ERROR_COMMENT = '00000902';
const FAILURE_REASON = '00081197';
/** A7xx: what the route answers for an unexpected exception, i.e. a bug rather than a bad input. */
const OUT_OF_RESOURCES = 0xa700;

// ── DICOM element walking, enough to aim mutations at real element headers ─────────────────────────

interface ElementHeader {
  group: number;
  element: number;
  /** Offset of the two VR characters, or null (implicit VR, items and delimiters). */
  vrOffset: number | null;
  lengthOffset: number;
  lengthSize: 2 | 4;
  littleEndian: boolean;
  valueOffset: number;
  length: number;
}

const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);
const TS_IMPLICIT = '1.2.840.10008.1.2';
const TS_BIG_ENDIAN = '1.2.840.10008.1.2.2';
const TS_DEFLATED = '1.2.840.10008.1.2.1.99';

/**
 * The element headers of a Part 10 file in file order, descending into undefined-length sequences
 * and encapsulated pixel data items; the dataset of a deflated file is not walked.
 */
function walkElements(bytes: Buffer): { elements: ElementHeader[]; transferSyntax: string; datasetOffset: number } {
  const elements: ElementHeader[] = [];
  let position = 132;
  let transferSyntax = '';
  // File meta: explicit VR little endian, group 0002.
  while (position + 8 <= bytes.length && bytes.readUInt16LE(position) === 0x0002) {
    const header = readHeader(bytes, position, true, true);
    if (header === null) break;
    elements.push(header);
    if (header.element === 0x0010) {
      transferSyntax = bytes
        .toString('latin1', header.valueOffset, header.valueOffset + header.length)
        .replace(/[\0 ]+$/, '');
    }
    position = header.valueOffset + header.length;
  }
  const datasetOffset = position;
  if (transferSyntax === TS_DEFLATED) return { elements, transferSyntax, datasetOffset };
  const little = transferSyntax !== TS_BIG_ENDIAN;
  const explicit = transferSyntax !== TS_IMPLICIT;
  let inPixelItems = false;
  while (position + 8 <= bytes.length) {
    const header = readHeader(bytes, position, little, explicit);
    if (header === null) break;
    elements.push(header);
    const undefinedLength = header.length === 0xffffffff;
    if (header.group === 0xfffe) {
      if (header.element === 0xe0dd && inPixelItems) break;
      // Items: step into them (undefined length) or over them (fragments of pixel data).
      position = inPixelItems && !undefinedLength ? header.valueOffset + header.length : header.valueOffset;
      continue;
    }
    if (header.group === 0x7fe0 && header.element === 0x0010) {
      if (!undefinedLength) break;
      inPixelItems = true;
      position = header.valueOffset;
      continue;
    }
    position = undefinedLength ? header.valueOffset : header.valueOffset + header.length;
  }
  return { elements, transferSyntax, datasetOffset };
}

function readHeader(bytes: Buffer, at: number, little: boolean, explicit: boolean): ElementHeader | null {
  const u16 = (o: number) => (little ? bytes.readUInt16LE(o) : bytes.readUInt16BE(o));
  const u32 = (o: number) => (little ? bytes.readUInt32LE(o) : bytes.readUInt32BE(o));
  const group = u16(at);
  const element = u16(at + 2);
  if (group === 0xfffe || !explicit) {
    return {
      group,
      element,
      vrOffset: null,
      lengthOffset: at + 4,
      lengthSize: 4,
      littleEndian: little,
      valueOffset: at + 8,
      length: u32(at + 4),
    };
  }
  const vr = bytes.toString('latin1', at + 4, at + 6);
  if (LONG_VRS.has(vr)) {
    if (at + 12 > bytes.length) return null;
    return {
      group,
      element,
      vrOffset: at + 4,
      lengthOffset: at + 8,
      lengthSize: 4,
      littleEndian: little,
      valueOffset: at + 12,
      length: u32(at + 8),
    };
  }
  return {
    group,
    element,
    vrOffset: at + 4,
    lengthOffset: at + 6,
    lengthSize: 2,
    littleEndian: little,
    valueOffset: at + 8,
    length: u16(at + 6),
  };
}

// ── the corpus: real files, each sent with UIDs of its own ───────────────────────────────────────────

interface Base {
  name: string;
  bytes: Buffer;
  elements: ElementHeader[];
  transferSyntax: string;
  datasetOffset: number;
  /** Where the pixel data value starts (the end of the "header" for flips), or the file length. */
  headerEnd: number;
  /** Study, Series and SOP Instance UIDs as written, to replace with same-length ones per case. */
  uids: string[];
}

const UID_TAGS: Array<[number, number]> = [
  [0x0020, 0x000d],
  [0x0020, 0x000e],
  [0x0008, 0x0018],
];

function makeBase(name: string, bytes: Buffer): Base {
  const { elements, transferSyntax, datasetOffset } = walkElements(bytes);
  const deflated = transferSyntax === TS_DEFLATED;
  const dataset = deflated ? inflateRawSync(bytes.subarray(datasetOffset)) : bytes;
  // A deflated file's UIDs are read from its inflated dataset, walked as explicit VR little endian.
  const plain = deflated ? Buffer.concat([bytes.subarray(0, datasetOffset), dataset]) : bytes;
  const walked = deflated ? walkElements(withTransferSyntax(plain, '1.2.840.10008.1.2.1')).elements : elements;
  const uids = UID_TAGS.map(([g, e]) => {
    const header = walked.find((h) => h.group === g && h.element === e);
    if (!header) throw new Error(`${name}: no (${g.toString(16)},${e.toString(16)})`);
    return plain.toString('latin1', header.valueOffset, header.valueOffset + header.length).replace(/[\0 ]+$/, '');
  });
  const pixel = elements.find((h) => h.group === 0x7fe0 && h.element === 0x0010);
  return { name, bytes, elements, transferSyntax, datasetOffset, headerEnd: pixel?.valueOffset ?? bytes.length, uids };
}

/** The same bytes with another same-length transfer syntax in the meta, for walking inflated data. */
function withTransferSyntax(bytes: Buffer, uid: string): Buffer {
  const copy = Buffer.from(bytes);
  const header = walkElements(bytes).elements.find((h) => h.group === 2 && h.element === 0x10);
  if (header) copy.write(uid.padEnd(header.length, '\0'), header.valueOffset, header.length, 'latin1');
  return copy;
}

/** A fresh UID of exactly `length` characters, unique per case and role. */
function freshUid(length: number, caseNumber: number, role: number): string {
  const core = `2.25.${role + 1}${String(caseNumber).padStart(7, '0')}${String(SEED % 1_000_000).padStart(6, '0')}`;
  if (core.length > length) throw new Error(`a UID of ${length} characters is too short to make unique`);
  return core.padEnd(length, '7');
}

function replaceAll(bytes: Buffer, from: string, to: string): void {
  const needle = Buffer.from(from, 'latin1');
  for (let at = bytes.indexOf(needle); at >= 0; at = bytes.indexOf(needle, at + needle.length)) {
    bytes.write(to, at, 'latin1');
  }
}

/** The base's bytes with UIDs of this case (deflated datasets are inflated, patched, deflated again). */
function instanceOf(base: Base, caseNumber: number): Buffer {
  const patch = (bytes: Buffer) => {
    base.uids.forEach((uid, role) => {
      replaceAll(bytes, uid, freshUid(uid.length, caseNumber, role));
    });
    return bytes;
  };
  if (base.transferSyntax !== TS_DEFLATED) return patch(Buffer.from(base.bytes));
  const meta = patch(Buffer.from(base.bytes.subarray(0, base.datasetOffset)));
  const dataset = patch(inflateRawSync(base.bytes.subarray(base.datasetOffset)));
  return Buffer.concat([meta, deflateRawSync(dataset)]);
}

const TEMPLATE_UID = (role: number) => `2.25.${role + 1}${'0'.repeat(35)}`;

/** Synthetic DX/CR files and the repository's fixtures, plus dcmtk's rewrites in other syntaxes. */
function buildCorpus(): Base[] {
  const templateUids = {
    studyInstanceUid: TEMPLATE_UID(0),
    seriesInstanceUid: TEMPLATE_UID(1),
    sopInstanceUid: TEMPLATE_UID(2),
  };
  const fixed = { studyDate: '20260101', studyTime: '090000' };
  const utf8 = createDxInstance({ ...templateUids, ...fixed, rows: 40, columns: 32 });
  const bases: Base[] = [
    makeBase('dx-utf8', utf8),
    makeBase(
      'cr-gb18030',
      createDxInstance({
        ...templateUids,
        ...fixed,
        rows: 24,
        columns: 30,
        modality: 'CR',
        characterSet: 'GB18030',
        patientName: '王^小东',
      }),
    ),
  ];
  const fixtures = path.resolve(import.meta.dirname, '../../../fixtures/dicom');
  for (const file of ['dx-chest-utf8.dcm', 'dx-chest-gb18030.dcm', 'dx-chest-gbk-declared-latin1.dcm']) {
    bases.push(makeBase(file, readFileSync(path.join(fixtures, file))));
  }
  // Files written by another implementation (dcmtk) in other transfer syntaxes, when it is installed.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'telerad-stowfuzz-'));
  try {
    const source = path.join(dir, 'source.dcm');
    writeFileSync(source, utf8);
    const tools: Array<[string, string, string[]]> = [
      ['dcmtk-implicit', 'dcmconv', ['+ti']],
      ['dcmtk-big-endian', 'dcmconv', ['+tb']],
      ['dcmtk-deflated', 'dcmconv', ['+td']],
      ['dcmtk-rle', 'dcmcrle', []],
      ['dcmtk-jpeg-lossless', 'dcmcjpeg', ['+e1']],
    ];
    for (const [name, tool, args] of tools) {
      const out = path.join(dir, `${name}.dcm`);
      try {
        execFileSync(tool, [...args, source, out], { stdio: 'ignore' });
        bases.push(makeBase(name, readFileSync(out)));
      } catch {
        console.warn(`stowFuzz: ${tool} is not available; fuzzing without ${name} files`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return bases;
}

// ── mutations ───────────────────────────────────────────────────────────────────────────────────────

const HUGE_LENGTHS = [0xfffffff0, 0xffffffff, 0xfffffffe, 0x7fffffff, 0x80000000, 0xffff, 0xfffe, 0xfff0];
const VRS = ['OB', 'OW', 'SQ', 'UN', 'UT', 'UL', 'US', 'FD', 'AT', 'PN', 'UI', 'DA', 'xx', '\0\0', '  '];
const VALUE_TARGETS: Array<[number, number]> = [
  [0x0002, 0x0010], // Transfer Syntax UID
  [0x0008, 0x0005], // Specific Character Set
  [0x0008, 0x0016], // SOP Class UID
  [0x0008, 0x0018], // SOP Instance UID
  [0x0008, 0x0050], // Accession Number
  [0x0008, 0x0060], // Modality
  [0x0008, 0x1030], // Study Description
  [0x0010, 0x0010], // Patient's Name
  [0x0010, 0x0020], // Patient ID
  [0x0010, 0x0030], // Patient's Birth Date
  [0x0010, 0x0040], // Patient's Sex
  [0x0020, 0x000d], // Study Instance UID
  [0x0020, 0x000e], // Series Instance UID
  [0x0020, 0x0011], // Series Number
  [0x0020, 0x0013], // Instance Number
  [0x0028, 0x0008], // Number of Frames (absent from single frames: another element is hit instead)
  [0x0028, 0x0010], // Rows
  [0x0028, 0x0011], // Columns
  [0x0028, 0x0100], // Bits Allocated
];
const NASTY_TEXT = [
  '',
  '\0',
  'a\0b',
  '99999999999',
  '2147483648',
  '-2147483649',
  '1e10',
  '-0',
  'NaN',
  ' 12 ',
  '1.2.03',
  '1..2',
  'x'.repeat(65),
  '1.2.840.10008.1.2.4.999',
  '1.2.840.10008.1.2.2',
  '1.2.840.10008.1.2',
  'ISO 2022 IR 58',
  'ISO 2022 IR 87\\ISO 2022 IR 159',
  'GB18030\\ISO_IR 192',
  'NOT A CHARSET',
  '\\\\\\',
  '=^=^=',
  '\u001b$)A\u001b$A\u00c0\u00ed',
  '\u00ff\u00fe\u0080\u0081',
  '\r\n--telerad-',
];

type Mutation =
  | { kind: 'none' }
  | { kind: 'truncate'; at: number }
  | { kind: 'length'; element: number; value: number }
  | { kind: 'vr'; element: number; vr: string }
  | { kind: 'flips'; flips: Array<{ at: number; xor: number }> }
  | { kind: 'splice'; at: number; remove: number; insert: Uint8Array }
  | { kind: 'value'; target: number; text: string; resize: boolean }
  | { kind: 'random'; bytes: Uint8Array; prefix: 'none' | 'dicm' | 'group8' | 'group2' }
  | { kind: 'duplicate' }
  | { kind: 'conflict'; at: number };

const fraction = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });
const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 2, arbitrary: fc.constant({ kind: 'none' as const }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fraction }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('length' as const),
      element: fc.nat(),
      value: fc.oneof(
        fc.nat(0xffff),
        fc.constantFrom(...HUGE_LENGTHS),
        fc.nat({ max: 0xffffffff }),
        fc.integer({ min: 0, max: 64 }),
      ),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('vr' as const),
      element: fc.nat(),
      vr: fc.oneof(fc.constantFrom(...VRS), fc.string({ minLength: 2, maxLength: 2, unit: 'binary-ascii' })),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('flips' as const),
      flips: fc.array(fc.record({ at: fraction, xor: fc.integer({ min: 1, max: 255 }) }), {
        minLength: 1,
        maxLength: 12,
      }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('splice' as const),
      at: fraction,
      remove: fc.nat(16),
      insert: fc.uint8Array({ maxLength: 16 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('value' as const),
      target: fc.nat(VALUE_TARGETS.length - 1),
      text: fc.oneof(fc.constantFrom(...NASTY_TEXT), fc.string({ maxLength: 80, unit: 'binary' })),
      resize: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('random' as const),
      bytes: fc.uint8Array({ maxLength: 3000 }),
      prefix: fc.constantFrom('none' as const, 'dicm' as const, 'group8' as const, 'group2' as const),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'duplicate' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('conflict' as const), at: fraction }) },
);

function writeLength(bytes: Buffer, h: ElementHeader, value: number): void {
  if (h.lengthSize === 2) {
    if (h.littleEndian) bytes.writeUInt16LE(value & 0xffff, h.lengthOffset);
    else bytes.writeUInt16BE(value & 0xffff, h.lengthOffset);
  } else if (h.littleEndian) bytes.writeUInt32LE(value >>> 0, h.lengthOffset);
  else bytes.writeUInt32BE(value >>> 0, h.lengthOffset);
}

/** Applies a mutation; `previous` is the part before it in the request (for duplicates/conflicts). */
function mutate(base: Base, file: Buffer, m: Mutation, previous: Buffer | undefined): Buffer {
  const headers = base.elements;
  const pick = (index: number) => headers[index % headers.length] as ElementHeader;
  switch (m.kind) {
    case 'none':
      return file;
    case 'truncate':
      return file.subarray(0, Math.floor(m.at * file.length));
    case 'length': {
      const h = pick(m.element);
      writeLength(file, h, m.value);
      return file;
    }
    case 'vr': {
      const h = pick(m.element);
      if (h.vrOffset === null) {
        writeLength(file, h, 0xfffffff0);
        return file;
      }
      file.write(m.vr.padEnd(2, '\0').slice(0, 2), h.vrOffset, 2, 'latin1');
      return file;
    }
    case 'flips':
      for (const { at, xor } of m.flips) {
        const index = Math.floor(at * base.headerEnd);
        file[index] = (file[index] as number) ^ xor;
      }
      return file;
    case 'splice': {
      const at = Math.floor(m.at * base.headerEnd);
      return Buffer.concat([file.subarray(0, at), Buffer.from(m.insert), file.subarray(at + m.remove)]);
    }
    case 'value': {
      const [group, element] = VALUE_TARGETS[m.target] as [number, number];
      const value = Buffer.from(m.text, 'latin1');
      const explicitLe = base.transferSyntax === '1.2.840.10008.1.2.1';
      if (m.resize && explicitLe) {
        const tag = `x${group.toString(16).padStart(4, '0')}${element.toString(16).padStart(4, '0')}`;
        try {
          return rewriteElements(file, (e) => (e.tag === tag ? value : undefined));
        } catch {
          // A value the writer cannot encode (too long for its VR): overwrite in place instead.
        }
      }
      const h = headers.find((x) => x.group === group && x.element === element) ?? pick(m.target);
      if (h.length === 0xffffffff) return file;
      const region = file.subarray(h.valueOffset, Math.min(file.length, h.valueOffset + h.length));
      region.fill(0x20);
      value.copy(region, 0, 0, region.length);
      return file;
    }
    case 'random': {
      const bytes = Buffer.from(m.bytes);
      if (m.prefix === 'dicm') return Buffer.concat([Buffer.alloc(128), Buffer.from('DICM'), bytes]);
      if (m.prefix === 'group8') return Buffer.concat([Buffer.from([0x08, 0x00, 0x16, 0x00]), bytes]);
      if (m.prefix === 'group2')
        return Buffer.concat([Buffer.from([0x02, 0x00, 0x00, 0x00, 0x55, 0x4c, 0x04, 0x00]), bytes]);
      return bytes;
    }
    case 'duplicate':
      return previous ? Buffer.from(previous) : file;
    case 'conflict': {
      // The previous part's UIDs with other bytes: one bit flipped after its header.
      if (!previous) return file;
      const copy = Buffer.from(previous);
      const pixelStart = Math.min(base.headerEnd, copy.length - 1);
      const index = pixelStart + Math.floor(m.at * (copy.length - pixelStart));
      if (index < copy.length) copy[index] = (copy[index] as number) ^ 0x01;
      return copy;
    }
  }
}

// ── multipart framing ───────────────────────────────────────────────────────────────────────────────

type Framing =
  | {
      kind: 'valid';
      preamble: string;
      epilogue: string;
      padding: string;
      partType: boolean;
      quoted: boolean;
      extraHeader: boolean;
    }
  | { kind: 'wrong-boundary' }
  | { kind: 'no-crlf'; part: number }
  | { kind: 'no-close' }
  | { kind: 'truncate'; at: number }
  | { kind: 'huge-headers'; size: number }
  | { kind: 'header-garbage'; bytes: Uint8Array }
  | { kind: 'content-type'; value: string }
  | { kind: 'part-type'; value: string }
  | { kind: 'no-parts'; body: string }
  | { kind: 'oversize' }
  | { kind: 'flips'; flips: Array<{ at: number; xor: number }> }
  | { kind: 'random'; bytes: Uint8Array }
  | { kind: 'priority'; value: string }
  | { kind: 'wrong-study' }
  | { kind: 'long-boundary'; length: number };

const CONTENT_TYPES = [
  '',
  'application/json',
  'multipart/related',
  'multipart/related; boundary=',
  'multipart/related; type="application/dicom+json"; boundary=x',
  'multipart/related; type="application/dicom"; boundary="unterminated',
  'multipart/form-data; boundary=x',
  'multipart/related; type=application/dicom; boundary=x; boundary=y',
  'text/plain',
  ';;;',
  'multipart/related; type="application/dicom"; boundary=\u00ff\u00fe',
];

const framingArb: fc.Arbitrary<Framing> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('valid' as const),
      preamble: fc.constantFrom('', 'This is a preamble.\r\n', '\r\n\r\n'),
      epilogue: fc.constantFrom('', 'epilogue', '\r\n--not-a-boundary--\r\n'),
      padding: fc.constantFrom('', ' ', '\t \t'),
      partType: fc.boolean(),
      quoted: fc.boolean(),
      extraHeader: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'wrong-boundary' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('no-crlf' as const), part: fc.nat(2) }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'no-close' as const }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fraction }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('huge-headers' as const),
      size: fc.integer({ min: 16_000, max: 200_000 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('header-garbage' as const), bytes: fc.uint8Array({ maxLength: 400 }) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('content-type' as const),
      // Only bytes an HTTP header can carry (Node's client refuses control characters).
      value: fc.oneof(
        fc.constantFrom(...CONTENT_TYPES),
        fc.string({ maxLength: 120, unit: 'binary-ascii' }).map((v) => v.replace(/[^\t\x20-\x7e]/g, '')),
      ),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('part-type' as const),
      value: fc.oneof(
        fc.constantFrom(
          'text/plain',
          'application/dicom+json',
          'image/jpeg',
          '',
          ';',
          'application/dicom; transfer-syntax=*',
        ),
        fc.string({ maxLength: 60, unit: 'binary-ascii' }),
      ),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('no-parts' as const),
      body: fc.constantFrom('', '--B--', '--B--\r\n', 'garbage'),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'oversize' as const }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('flips' as const),
      flips: fc.array(fc.record({ at: fraction, xor: fc.integer({ min: 1, max: 255 }) }), {
        minLength: 1,
        maxLength: 6,
      }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('random' as const), bytes: fc.uint8Array({ maxLength: 4000 }) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('priority' as const), value: fc.string({ maxLength: 20 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'wrong-study' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('long-boundary' as const), length: fc.integer({ min: 150, max: 5000 }) }),
  },
);

interface Request {
  path: string;
  contentType: string;
  body: Buffer;
  /** The exact part bodies when the framing is intact, in order; else null. */
  parts: Buffer[] | null;
  /** Write the body in these chunk sizes (with a turn of the event loop between), or at once. */
  chunks: number[] | null;
  /** What each part is (base file and mutation), for messages. */
  describe?: string[];
  /** The statuses this input must get, when they are determined by the framing alone. */
  expectStatus?: number[];
}

let boundaries = 0;

function multipart(
  parts: Array<{ body: Buffer; type?: string | null }>,
  options: { boundary?: string; preamble?: string; epilogue?: string; padding?: string; extraHeader?: boolean } = {},
): { body: Buffer; boundary: string } {
  const boundary = options.boundary ?? `fuzz-${SEED}-${++boundaries}-x7Qp`;
  const chunks: Buffer[] = [Buffer.from(options.preamble ?? '', 'latin1')];
  for (const part of parts) {
    const type = part.type === undefined ? 'application/dicom' : part.type;
    const headers = `${type === null ? '' : `Content-Type: ${type}\r\n`}${options.extraHeader ? 'Content-Description: fuzz\r\n X-Folded: yes\r\n' : ''}`;
    chunks.push(
      Buffer.from(`--${boundary}${options.padding ?? ''}\r\n${headers}\r\n`, 'latin1'),
      part.body,
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--${options.padding ?? ''}\r\n${options.epilogue ?? ''}`, 'latin1'));
  return { body: Buffer.concat(chunks), boundary };
}

const relatedType = (boundary: string, quoted = false) =>
  `multipart/related; type="application/dicom"; boundary=${quoted ? `"${boundary}"` : boundary}`;

/** Builds the request for a framing case around `files` (valid, distinct instances). */
function framedRequest(f: Framing, files: Buffer[], caseNumber: number): Omit<Request, 'chunks'> {
  const simple = (type?: string | null) =>
    multipart(files.map((body) => ({ body, ...(type === undefined ? {} : { type }) })));
  const boundaryOf = (b: string) => relatedType(b);
  switch (f.kind) {
    case 'valid': {
      const m = multipart(
        files.map((body) => ({ body, type: f.partType ? 'application/dicom' : null })),
        { preamble: f.preamble, epilogue: f.epilogue, padding: f.padding, extraHeader: f.extraHeader },
      );
      return {
        path: '/dicomweb/studies',
        contentType: relatedType(m.boundary, f.quoted),
        body: m.body,
        parts: files,
        expectStatus: [200],
      };
    }
    case 'wrong-boundary': {
      const m = simple();
      return {
        path: '/dicomweb/studies',
        contentType: boundaryOf(`${m.boundary}x`),
        body: m.body,
        parts: null,
        expectStatus: [400],
      };
    }
    case 'no-crlf': {
      const m = simple();
      const marker = Buffer.from(`--${m.boundary}\r\n`);
      let at = -1;
      for (let i = 0; i <= Math.min(f.part, files.length - 1); i++) at = m.body.indexOf(marker, at + 1);
      const body = Buffer.concat([
        m.body.subarray(0, at + marker.length - 2),
        Buffer.from('X'),
        m.body.subarray(at + marker.length),
      ]);
      return { path: '/dicomweb/studies', contentType: boundaryOf(m.boundary), body, parts: null, expectStatus: [400] };
    }
    case 'no-close': {
      const m = simple();
      const close = m.body.lastIndexOf(Buffer.from(`--${m.boundary}--`));
      return {
        path: '/dicomweb/studies',
        contentType: boundaryOf(m.boundary),
        body: m.body.subarray(0, close),
        parts: null,
        expectStatus: [400],
      };
    }
    case 'truncate': {
      const m = simple();
      return {
        path: '/dicomweb/studies',
        contentType: boundaryOf(m.boundary),
        body: m.body.subarray(0, Math.floor(f.at * m.body.length)),
        parts: null,
      };
    }
    case 'huge-headers': {
      const m = multipart([
        { body: files[0] as Buffer, type: `application/dicom\r\nX-Padding: ${'p'.repeat(f.size)}` },
      ]);
      return { path: '/dicomweb/studies', contentType: boundaryOf(m.boundary), body: m.body, parts: null };
    }
    case 'header-garbage': {
      const garbage = Buffer.from(f.bytes)
        .toString('latin1')
        .replace(/\r\n\r\n/g, '');
      const m = multipart([{ body: files[0] as Buffer, type: `application/dicom\r\n${garbage}` }]);
      return { path: '/dicomweb/studies', contentType: boundaryOf(m.boundary), body: m.body, parts: null };
    }
    case 'content-type': {
      const m = simple();
      return { path: '/dicomweb/studies', contentType: f.value, body: m.body, parts: null };
    }
    case 'part-type': {
      const m = multipart([{ body: files[0] as Buffer, type: f.value }, ...files.slice(1).map((body) => ({ body }))]);
      return { path: '/dicomweb/studies', contentType: boundaryOf(m.boundary), body: m.body, parts: null };
    }
    case 'no-parts':
      return {
        path: '/dicomweb/studies',
        contentType: boundaryOf('B'),
        body: Buffer.from(f.body),
        parts: null,
        expectStatus: [400],
      };
    case 'oversize': {
      const big = Buffer.alloc(MAX_INSTANCE_MB * 1024 * 1024 + 1 + (caseNumber % 1000), 0x41);
      const m = multipart([{ body: files[0] as Buffer }, { body: big }]);
      return {
        path: '/dicomweb/studies',
        contentType: boundaryOf(m.boundary),
        body: m.body,
        parts: null,
        expectStatus: [413],
      };
    }
    case 'flips': {
      const m = simple();
      const body = Buffer.from(m.body);
      for (const { at, xor } of f.flips) {
        const index = Math.floor(at * body.length);
        body[index] = (body[index] as number) ^ xor;
      }
      return { path: '/dicomweb/studies', contentType: boundaryOf(m.boundary), body, parts: null };
    }
    case 'random':
      return { path: '/dicomweb/studies', contentType: boundaryOf('fuzz'), body: Buffer.from(f.bytes), parts: null };
    case 'priority': {
      const m = simple();
      return {
        path: `/dicomweb/studies?priority=${encodeURIComponent(f.value)}`,
        contentType: boundaryOf(m.boundary),
        body: m.body,
        ...(['', 'emergency', 'outpatient', 'inpatient'].includes(f.value)
          ? { parts: files, expectStatus: [200] }
          : { parts: null, expectStatus: [400] }),
      };
    }
    case 'wrong-study': {
      const m = simple();
      return {
        path: `/dicomweb/studies/${freshUid(40, caseNumber, 8)}`,
        contentType: boundaryOf(m.boundary),
        body: m.body,
        parts: files,
        expectStatus: [409],
      };
    }
    case 'long-boundary': {
      const m = multipart(
        files.map((body) => ({ body })),
        { boundary: 'b'.repeat(f.length) },
      );
      return {
        path: '/dicomweb/studies',
        contentType: boundaryOf(m.boundary),
        body: m.body,
        parts: null,
        expectStatus: f.length > 200 ? [415] : [200],
      };
    }
  }
}

/** Mostly one write; sometimes chunked transfer in small pieces, to split boundaries across reads. */
const chunksArb = (max: number): fc.Arbitrary<number[] | null> =>
  fc.oneof(
    { weight: 5, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.array(fc.integer({ min: 1, max }), { minLength: 1, maxLength: 40 }) },
  );

// ── sending ─────────────────────────────────────────────────────────────────────────────────────────

interface Answer {
  status: number;
  text: string;
  contentType: string;
}

function send(base: string, agent: http.Agent, request: Request): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let responded = false;
    const req = http.request(
      `${base}${request.path}`,
      {
        method: 'POST',
        agent,
        headers: {
          authorization: CLINIC,
          'content-type': request.contentType,
          ...(request.chunks === null ? { 'content-length': String(request.body.length) } : {}),
        },
      },
      (res) => {
        responded = true;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          clearTimeout(timer);
          resolve({
            status: res.statusCode ?? 0,
            text: Buffer.concat(chunks).toString('utf8'),
            contentType: String(res.headers['content-type'] ?? ''),
          });
        });
        res.on('error', reject);
      },
    );
    const timer = setTimeout(() => {
      req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`));
    }, REQUEST_TIMEOUT_MS);
    req.on('error', (error) => {
      // A server that answers early and closes may make the rest of our upload fail; only an error
      // before any answer counts.
      if (responded) return;
      clearTimeout(timer);
      reject(error);
    });
    if (request.chunks === null) {
      req.end(request.body);
      return;
    }
    void (async () => {
      let at = 0;
      for (const size of request.chunks ?? []) {
        if (at >= request.body.length || req.destroyed) break;
        req.write(request.body.subarray(at, at + size));
        at += size;
        await new Promise((r) => setImmediate(r));
      }
      if (!req.destroyed) req.end(request.body.subarray(at));
    })();
  });
}

interface FailedItem {
  reason: number;
  message: string;
}

/** Checks the answer's form; returns stored SOP Instance UIDs and failed items for STOW answers. */
function checkAnswer(answer: Answer, label: string): { stored: string[]; failed: FailedItem[] } | null {
  expect(answer.status, `${label}: ${answer.text.slice(0, 300)}`).toBeLessThan(500);
  expect(
    [200, 202, 400, 409, 413, 415],
    `${label}: unexpected status ${answer.status} ${answer.text.slice(0, 300)}`,
  ).toContain(answer.status);
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.text);
  } catch {
    expect.fail(`${label}: status ${answer.status} with a body that is not JSON: ${answer.text.slice(0, 300)}`);
  }
  const json = parsed as Record<string, { Value?: Array<Record<string, { Value?: unknown[] }>> }> & {
    error?: { message?: unknown };
  };
  if (answer.status >= 400 && answer.status !== 409) {
    expect(typeof json.error?.message, `${label}: ${answer.text.slice(0, 300)}`).toBe('string');
    expect(String(json.error?.message ?? '').length, label).toBeGreaterThan(0);
    return null;
  }
  expect(answer.contentType, label).toMatch(/application\/dicom\+json/);
  const failed = (json['00081198']?.Value ?? []).map((item) => {
    const reason = item[FAILURE_REASON]?.Value?.[0];
    const message = item[ERROR_COMMENT]?.Value?.[0];
    expect(typeof reason, `${label}: FailedSOPSequence item without (0008,1197): ${JSON.stringify(item)}`).toBe(
      'number',
    );
    expect(typeof message, `${label}: FailedSOPSequence item without (0000,0902): ${JSON.stringify(item)}`).toBe(
      'string',
    );
    expect((message as string).length, label).toBeGreaterThan(0);
    return { reason: reason as number, message: message as string };
  });
  const stored = (json['00081199']?.Value ?? []).map((item) => String(item['00081155']?.Value?.[0]));
  if (answer.status === 409) expect(stored, label).toHaveLength(0);
  if (answer.status === 200) expect(failed, label).toHaveLength(0);
  if (answer.status === 202) {
    expect(stored.length, label).toBeGreaterThan(0);
    expect(failed.length, label).toBeGreaterThan(0);
  }
  return { stored, failed };
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

// ── the test ────────────────────────────────────────────────────────────────────────────────────────

describe('STOW-RS under fuzzed input', () => {
  let runtime: Runtime;
  let cleanup: () => Promise<void>;
  let server: http.Server;
  let base: string;
  let corpus: Base[];
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

  beforeAll(async () => {
    const t = await testConfig({
      database: 'postgres',
      env: {
        TELERAD_MAX_INSTANCE_MB: String(MAX_INSTANCE_MB),
        ...(process.env.STOW_FUZZ_LOG ? { TELERAD_LOG_LEVEL: process.env.STOW_FUZZ_LOG } : {}),
      },
    });
    cleanup = t.cleanup;
    runtime = await openRuntime(t.config);
    server = createApp(runtime).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    corpus = buildCorpus();
  }, 120_000);

  afterAll(async () => {
    agent.destroy();
    await new Promise((resolve) => {
      if (!server) return resolve(undefined);
      server.close(resolve);
      server.closeAllConnections();
    });
    await runtime?.close();
    await cleanup?.();
  });

  test('thousands of bad inputs: an answer with a reason for each, no 5xx, no hang, no partial rows', async () => {
    console.log(
      `stowFuzz: seed ${SEED} (STOW_FUZZ_SEED=${SEED} reproduces this run); corpus ${corpus.map((b) => b.name).join(', ')}`,
    );
    /** Part bytes the server refused, by SHA-256, with the reason it gave. */
    const refused = new Map<string, string>();
    /** Part bytes the server acknowledged as stored. */
    const acknowledged = new Set<string>();
    /** SOP Instance UIDs acknowledged in any answer (also for parts whose bytes we cannot tell). */
    const acknowledgedUids = new Set<string>();
    /** Whole parts inside requests that got an error status (by SHA-256, with it): stored or not. */
    const unacknowledged = new Map<string, number>();
    const internalErrors: string[] = [];
    /** The intact files of the current request, before any framing damage. */
    let lastFiles: Buffer[] = [];
    const counts = {
      cases: 0,
      requests: 0,
      parts: 0,
      statuses: new Map<number, number>(),
      kinds: new Map<string, number>(),
    };
    let caseNumber = 0;
    const count = (map: Map<string | number, number>, key: string | number) => map.set(key, (map.get(key) ?? 0) + 1);

    const record = (request: Request, answer: Answer, label: string) => {
      counts.requests++;
      count(counts.statuses, answer.status);
      if (request.expectStatus) {
        expect(request.expectStatus, `${label}: got ${answer.status} ${answer.text.slice(0, 300)}`).toContain(
          answer.status,
        );
      }
      const result = checkAnswer(answer, label);
      if (result === null) {
        // An error status: parts complete before the error may have been stored (and say so for 413).
        for (const part of request.parts ?? lastFiles) unacknowledged.set(sha256(part), answer.status);
        return;
      }
      for (const uid of result.stored) acknowledgedUids.add(uid);
      for (const f of result.failed) {
        if (f.reason !== OUT_OF_RESOURCES) continue;
        const index = Number(/^part (\d+)\b/.exec(f.message)?.[1]);
        internalErrors.push(`${label}: ${f.message} — part ${index} is ${request.describe?.[index - 1] ?? 'unknown'}`);
      }
      if (request.parts === null) return;
      // Intact framing: every part is accounted for, and the failures name their part.
      expect(result.stored.length + result.failed.length, `${label}: ${answer.text.slice(0, 500)}`).toBe(
        request.parts.length,
      );
      const failedIndexes = new Set<number>();
      for (const f of result.failed) {
        const index = /^part (\d+)\b/.exec(f.message)?.[1];
        expect(index, `${label}: the reason does not name its part: ${f.message}`).toBeDefined();
        failedIndexes.add(Number(index));
      }
      expect(failedIndexes.size, label).toBe(result.failed.length);
      request.parts.forEach((part, i) => {
        const hash = sha256(part);
        if (failedIndexes.has(i + 1)) {
          const reason = result.failed.find((f) => f.message.startsWith(`part ${i + 1}`))?.message ?? '';
          refused.set(hash, reason);
        } else acknowledged.add(hash);
      });
    };

    const started = performance.now();
    // 1. Mutated files, several parts to a request, framed correctly.
    const dicomRequestArb = fc.record({
      parts: fc.array(fc.record({ base: fc.nat(), mutation: mutationArb }), { minLength: 1, maxLength: 12 }),
      chunks: chunksArb(9000),
    });
    await fc.assert(
      fc.asyncProperty(dicomRequestArb, async ({ parts, chunks }) => {
        const bodies: Buffer[] = [];
        const describe: string[] = [];
        for (const { base: b, mutation } of parts) {
          const source = corpus[b % corpus.length] as Base;
          describe.push(`${source.name} ${JSON.stringify(mutation)}`);
          const number = ++caseNumber;
          const file = mutate(source, instanceOf(source, number), mutation, bodies.at(-1));
          bodies.push(file);
          count(counts.kinds, mutation.kind);
          counts.cases++;
          counts.parts++;
        }
        lastFiles = bodies;
        const m = multipart(bodies.map((body) => ({ body })));
        const request: Request = {
          path: '/dicomweb/studies',
          contentType: relatedType(m.boundary),
          body: m.body,
          parts: bodies,
          chunks,
          describe,
        };
        const label = `dicom request ${counts.requests + 1} (${parts.map((p) => p.mutation.kind).join(', ')})`;
        record(request, await send(base, agent, request), label);
      }),
      { seed: SEED, numRuns: DICOM_REQUESTS, endOnFailure: true },
    );

    // 2. Garbage framing, one case to a request, around valid files of their own.
    const framingRequestArb = fc.record({
      framing: framingArb,
      files: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
      chunks: chunksArb(5000),
    });
    await fc.assert(
      fc.asyncProperty(framingRequestArb, async ({ framing, files, chunks }) => {
        const number = ++caseNumber;
        const instances = files.map((b, i) => instanceOf(corpus[b % corpus.length] as Base, number * 10 + i));
        lastFiles = instances;
        const request: Request = { ...framedRequest(framing, instances, number), chunks };
        count(counts.kinds, `framing:${framing.kind}`);
        counts.cases++;
        const label = `framing request ${counts.requests + 1} (${framing.kind})`;
        record(request, await send(base, agent, request), label);
      }),
      { seed: SEED + 1, numRuns: FRAMING_REQUESTS, endOnFailure: true },
    );
    const seconds = (performance.now() - started) / 1000;

    // 3. The index against what was answered.
    const db = runtime.db.db;
    const instances = await db
      .selectFrom('instance')
      .select(['sop_instance_uid', 'sha256', 'size_bytes', 'blob_key', 'study_id', 'series_id'])
      .execute();
    const problems: string[] = [];
    for (const row of instances) {
      const blob = await runtime.store.getBuffer(row.blob_key).catch((error: unknown) => error as Error);
      if (blob instanceof Error) {
        problems.push(`instance ${row.sop_instance_uid}: no blob at ${row.blob_key} (${blob.message})`);
        continue;
      }
      if (blob.length !== Number(row.size_bytes))
        problems.push(`instance ${row.sop_instance_uid}: blob is ${blob.length} bytes, row says ${row.size_bytes}`);
      if (sha256(blob) !== row.sha256)
        problems.push(`instance ${row.sop_instance_uid}: blob SHA-256 differs from the row`);
      if (refused.has(row.sha256))
        problems.push(
          `instance ${row.sop_instance_uid} is indexed although its bytes were refused: ${refused.get(row.sha256)}`,
        );
      if (!acknowledgedUids.has(row.sop_instance_uid) && !unacknowledged.has(row.sha256)) {
        problems.push(`instance ${row.sop_instance_uid} is indexed but no answer acknowledged it`);
      }
    }
    for (const hash of acknowledged)
      if (refused.has(hash)) problems.push(`the same bytes were both stored and refused (${refused.get(hash)})`);
    const indexedUids = new Set(instances.map((r) => r.sop_instance_uid));
    for (const uid of acknowledgedUids) if (!indexedUids.has(uid)) problems.push(`acknowledged ${uid} is not indexed`);
    const emptyStudies = await db
      .selectFrom('study as s')
      .select(['s.study_instance_uid', 's.instance_count'])
      .where((eb) =>
        eb.not(eb.exists(eb.selectFrom('instance as i').select('i.id').whereRef('i.study_id', '=', 's.id'))),
      )
      .execute();
    for (const s of emptyStudies) problems.push(`study ${s.study_instance_uid} has no instance`);
    const emptySeries = await db
      .selectFrom('series as se')
      .select('se.series_instance_uid')
      .where((eb) =>
        eb.not(eb.exists(eb.selectFrom('instance as i').select('i.id').whereRef('i.series_id', '=', 'se.id'))),
      )
      .execute();
    for (const s of emptySeries) problems.push(`series ${s.series_instance_uid} has no instance`);
    const miscounted = await db
      .selectFrom('study as s')
      .select(['s.study_instance_uid', 's.instance_count'])
      .select((eb) =>
        eb
          .selectFrom('instance as i')
          .select(eb.fn.countAll<string>().as('n'))
          .whereRef('i.study_id', '=', 's.id')
          .as('actual'),
      )
      .execute();
    for (const s of miscounted) {
      if (Number(s.actual) !== Number(s.instance_count))
        problems.push(`study ${s.study_instance_uid}: instance_count ${s.instance_count}, ${s.actual} instances`);
    }

    // Parts stored before the request failed as a whole (413 says so in its message; 400 does not).
    const storedWithoutAnswer = new Map<number, number>();
    for (const r of instances) {
      const status = acknowledgedUids.has(r.sop_instance_uid) ? undefined : unacknowledged.get(r.sha256);
      if (status !== undefined) count(storedWithoutAnswer, status);
    }
    console.log(
      `stowFuzz: ${counts.cases} cases (${counts.parts} mutated parts) in ${counts.requests} requests, ${seconds.toFixed(1)} s; ` +
        `statuses ${JSON.stringify(Object.fromEntries(counts.statuses))}; ${instances.length} instances indexed ` +
        `(by error status of requests that got no Store Instances Response: ${JSON.stringify(Object.fromEntries(storedWithoutAnswer))}), ${refused.size} parts refused; ` +
        `kinds ${JSON.stringify(Object.fromEntries(counts.kinds))}`,
    );
    // A700 is what the route answers for an unexpected exception: a bug, not a reason about the input.
    expect({ internalErrors, problems }).toEqual({ internalErrors: [], problems: [] });
    expect(counts.cases).toBeGreaterThanOrEqual(Math.round(2000 * SCALE));
  }, 300_000);
});
