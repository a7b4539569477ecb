import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { tempDir } from './tempDir.js';

const run = promisify(execFile);

/**
 * The same instance re-encoded by GDCM's `gdcmconv` (libgdcm-tools): `--jpegls` and `--j2k` for
 * compressed transfer syntaxes (lossless), `--raw` back to native.
 */
export async function gdcmconv(bytes: Uint8Array, option: '--jpegls' | '--j2k' | '--raw'): Promise<Buffer> {
  const dir = await tempDir('gdcmconv');
  try {
    const input = path.join(dir.path, 'in.dcm');
    const output = path.join(dir.path, 'out.dcm');
    await writeFile(input, bytes);
    await run('gdcmconv', [option, input, output]);
    return await readFile(output);
  } finally {
    await dir.remove();
  }
}

/**
 * An Encapsulated PDF instance (a stored object with no pixel data), written by dcmtk's `dump2dcm`,
 * in the given study and series.
 */
export async function pdfInstance(uids: {
  studyInstanceUid: string;
  seriesInstanceUid: string;
  sopInstanceUid: string;
}): Promise<Buffer> {
  const dir = await tempDir('pdf-instance');
  try {
    const dump = [
      '(0008,0016) UI =EncapsulatedPDFStorage',
      `(0008,0018) UI [${uids.sopInstanceUid}]`,
      '(0008,0060) CS [DOC]',
      '(0010,0010) PN [Test^Document]',
      '(0010,0020) LO [DOC0001]',
      `(0020,000d) UI [${uids.studyInstanceUid}]`,
      `(0020,000e) UI [${uids.seriesInstanceUid}]`,
      '(0020,0011) IS [9]',
      '(0020,0013) IS [1]',
      '(0042,0011) OB 25\\50\\44\\46',
      '(0042,0012) LO [application/pdf]',
    ].join('\n');
    await writeFile(path.join(dir.path, 'in.dump'), `${dump}\n`);
    await run('dump2dcm', ['--write-xfer-little', path.join(dir.path, 'in.dump'), path.join(dir.path, 'out.dcm')]);
    return await readFile(path.join(dir.path, 'out.dcm'));
  } finally {
    await dir.remove();
  }
}
