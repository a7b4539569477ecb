import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { createDxInstance } from './createDxInstance.js';
import { newUid } from './newUid.js';
import { parseInstance } from './parseInstance.js';
import { isValidUid } from './uidProblem.js';

const hasDcmdump = spawnSync('dcmdump', ['--version']).status === 0;
const dcmdumpMissing =
  'dcmdump not found: install dcmtk (apt-get install -y dcmtk) to check against a real DICOM toolkit';
const workDir = mkdtempSync(path.join(tmpdir(), 'telerad-dicom-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe('createDxInstance', () => {
  test('each call makes new valid UIDs unless given', () => {
    const a = parseInstance(createDxInstance());
    const b = parseInstance(createDxInstance({ studyInstanceUid: a.studyInstanceUid }));
    expect(b.studyInstanceUid).toBe(a.studyInstanceUid);
    expect(b.seriesInstanceUid).not.toBe(a.seriesInstanceUid);
    expect(b.sopInstanceUid).not.toBe(a.sopInstanceUid);
    for (const uid of [a.sopInstanceUid, a.seriesInstanceUid, b.sopInstanceUid]) expect(isValidUid(uid)).toBe(true);
  });

  test('pixel content is deterministic and sized by the matrix', () => {
    const pixelsOf = (file: Buffer) => file.subarray(file.length - 2 * 300 * 200);
    const first = createDxInstance({ rows: 300, columns: 200 });
    const second = createDxInstance({ rows: 300, columns: 200 });
    expect(pixelsOf(first).equals(pixelsOf(second))).toBe(true);
    expect(parseInstance(first)).toMatchObject({ rows: 300, columns: 200, bitsAllocated: 16 });
    const values = new Uint16Array(pixelsOf(first).buffer.slice(pixelsOf(first).byteOffset, first.length));
    expect(Math.max(...values)).toBeLessThan(4096); // 12 bits stored
    expect(new Set(values).size).toBeGreaterThan(50); // a picture, not a flat field
  });

  test('a full-size radiograph parses in milliseconds', () => {
    const file = createDxInstance({ rows: 3000, columns: 2500 });
    expect(file.length).toBeGreaterThan(15_000_000);
    const started = performance.now();
    expect(parseInstance(file).rows).toBe(3000);
    expect(performance.now() - started).toBeLessThan(50);
  });
});

describe('dcmtk reads what createDxInstance writes (dcmdump)', () => {
  test('UTF-8 file: dcmdump parses it and shows the patient ID and pixel data', ({ skip }) => {
    skip(!hasDcmdump, dcmdumpMissing);
    const file = path.join(workDir, 'utf8.dcm');
    writeFileSync(file, createDxInstance({ patientId: 'DCMTK-UTF8', patientName: 'Wang^XiaoDong=王^小东' }));
    const dump = execFileSync('dcmdump', ['+U8', file], { encoding: 'utf8' });
    expect(dump).toMatch(/\(0010,0020\) LO \[DCMTK-UTF8\]/);
    expect(dump).toMatch(/\(0010,0010\) PN \[Wang\^XiaoDong=王\^小东\]/);
    expect(dump).toMatch(/\(0008,0016\) UI =DigitalXRayImageStorageForPresentation/);
    expect(dump).toMatch(/\(7fe0,0010\) OW .* # 131072, 1 PixelData/);
  });

  test('GB18030 file: dcmdump converts the name from GB18030 to the same characters', ({ skip }) => {
    skip(!hasDcmdump, dcmdumpMissing);
    const file = path.join(workDir, 'gb18030.dcm');
    writeFileSync(file, createDxInstance({ patientId: 'DCMTK-GB', patientName: '王^小东', characterSet: 'GB18030' }));
    expect(execFileSync('dcmdump', [file], { encoding: 'latin1' })).toMatch(/\(0008,0005\) CS \[GB18030\]/);
    const dump = execFileSync('dcmdump', ['+U8', file], { encoding: 'utf8' });
    expect(dump).toMatch(/\(0010,0020\) LO \[DCMTK-GB\]/);
    expect(dump).toMatch(/\(0010,0010\) PN \[王\^小东\]/);
  });
});

test('newUid is a 2.25 UID from a 128-bit number', () => {
  const uid = newUid();
  expect(uid).toMatch(/^2\.25\.[1-9]\d{0,38}$/);
  expect(isValidUid(uid)).toBe(true);
  expect(new Set(Array.from({ length: 1000 }, newUid)).size).toBe(1000);
});
