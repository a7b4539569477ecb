#!/usr/bin/env node
// Decode and render benchmark for @telerad/imaging (issue 4): one 2500 × 3000 16-bit DX (12 bits
// stored, the chest phantom of createDxInstance with noise added) in every transfer syntax telerad decodes, and per
// syntax the p50 of: full-resolution decode (decodeFrame), 1024-px JPEG preview and 256-px JPEG
// thumbnail (renderInstance, which decodes JPEG 2000 / HTJ2K at reduced resolution for these), in
// this thread; then the preview through the worker pool. Files are made before any clock starts, by
// dcmtk (dcmconv, dcmcrle, dcmcjpeg), gdcmconv (--jpegls, --j2k) and OpenJPH (HTJ2K).
//
//   pnpm build && node scripts/bench/decode.mjs [--rows 3000] [--columns 2500] [--repeat 5] [--noise 40]
//                                              [--only explicit-le,rle,jpeg-lossless,jpeg-12,jpeg-ls,j2k,j2k-lossy,htj2k]
//
// Prints a table, then one JSON line.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const root = path.resolve(import.meta.dirname, '../..');
const { createDxInstance } = await import(path.join(root, 'packages/dicom/dist/index.js'));
const imaging = await import(path.join(root, 'packages/imaging/dist/index.js'));
const requireFromImaging = createRequire(path.join(root, 'packages/imaging/package.json'));
const dicomParser = requireFromImaging('dicom-parser');

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '3000' },
    columns: { type: 'string', default: '2500' },
    repeat: { type: 'string', default: '5' },
    only: { type: 'string' },
    noise: { type: 'string', default: '40' },
  },
});
const rows = Number(values.rows);
const columns = Number(values.columns);
const repeat = Number(values.repeat);

const tmp = mkdtempSync(path.join(os.tmpdir(), 'telerad-bench-decode-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

function tool(name, args, input, label) {
  const source = path.join(tmp, `${label}.in.dcm`);
  const target = path.join(tmp, `${label}.dcm`);
  writeFileSync(source, input);
  execFileSync(name, [...args, source, target], { stdio: 'ignore' });
  return readFileSync(target);
}

/** An HTJ2K (lossless) copy: OpenJPH encodes, the pixel data is re-encapsulated with an empty offset table. */
async function htj2k(native) {
  const factory = (await import(requireFromImaging.resolve('@cornerstonejs/codec-openjph/wasmjs'))).default;
  const codec = await factory({});
  const dataSet = dicomParser.parseDicom(native);
  const pixelData = dataSet.elements.x7fe00010;
  const encoder = new codec.HTJ2KEncoder();
  const info = {
    width: columns,
    height: rows,
    bitsPerSample: 16,
    componentCount: 1,
    isSigned: false,
    isUsingColorTransform: false,
  };
  encoder.getDecodedBuffer(info).set(native.subarray(pixelData.dataOffset, pixelData.dataOffset + pixelData.length));
  encoder.encode();
  let encoded = Buffer.from(encoder.getEncodedBuffer());
  encoder.delete();
  if (encoded.length % 2) encoded = Buffer.concat([encoded, Buffer.alloc(1)]);
  // The transfer syntax UID is rewritten in place: same length as explicit VR little endian's is not
  // possible, so the meta group is rebuilt by dcmtk from a file that names HTJ2K.
  const header = native.subarray(0, pixelData.dataOffset - 12);
  const uid = Buffer.from('1.2.840.10008.1.2.4.201\0', 'latin1');
  const meta = dataSet.elements.x00020010;
  const groupLength = dataSet.elements.x00020000;
  const before = header.subarray(0, meta.dataOffset - 2);
  const after = header.subarray(meta.dataOffset + meta.length);
  const lengthBytes = Buffer.alloc(2);
  lengthBytes.writeUInt16LE(uid.length);
  const rebuilt = Buffer.concat([before, lengthBytes, uid, after]);
  rebuilt.writeUInt32LE(header.readUInt32LE(groupLength.dataOffset) + uid.length - meta.length, groupLength.dataOffset);
  const item = (length) => {
    const bytes = Buffer.alloc(8);
    bytes.writeUInt16LE(0xfffe, 0);
    bytes.writeUInt16LE(0xe000, 2);
    bytes.writeUInt32LE(length, 4);
    return bytes;
  };
  const pixelHeader = Buffer.from([0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x42, 0, 0, 0xff, 0xff, 0xff, 0xff]);
  const end = Buffer.from([0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0]);
  return Buffer.concat([rebuilt, pixelHeader, item(0), item(encoded.length), encoded, end]);
}

/**
 * The phantom is smooth, which no detector is: without noise every codec compresses it 30–100× and
 * decodes it unrealistically fast. Uniform noise of ± --noise (of 4095) brings the compressed sizes
 * close to real radiographs' (lossless about 2–3×).
 */
function withNoise(file, amplitude) {
  const pixelData = dicomParser.parseDicom(file).elements.x7fe00010;
  const pixels = new Uint16Array(file.buffer, file.byteOffset + pixelData.dataOffset, pixelData.length / 2);
  let seed = 12345;
  for (let index = 0; index < pixels.length; index++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const value = pixels[index] + Math.round(((seed / 0x7fffffff) * 2 - 1) * amplitude);
    pixels[index] = Math.min(4095, Math.max(0, value));
  }
  return file;
}

const native = withNoise(createDxInstance({ rows, columns }), Number(values.noise));
const syntaxes = [
  ['explicit-le', 'Explicit VR Little Endian', () => native],
  ['big-endian', 'Explicit VR Big Endian', () => tool('dcmconv', ['+tb'], native, 'be')],
  ['deflated', 'Deflated Explicit VR LE', () => tool('dcmconv', ['+td'], native, 'deflated')],
  ['rle', 'RLE Lossless', () => tool('dcmcrle', [], native, 'rle')],
  ['jpeg-lossless', 'JPEG Lossless SV1', () => tool('dcmcjpeg', ['+e1'], native, 'jpeg-lossless')],
  ['jpeg-12', 'JPEG Extended 12-bit', () => tool('dcmcjpeg', ['+ee'], native, 'jpeg-12')],
  ['jpeg-ls', 'JPEG-LS Lossless', () => tool('gdcmconv', ['--jpegls'], native, 'jpeg-ls')],
  ['j2k', 'JPEG 2000 Lossless', () => tool('gdcmconv', ['--j2k'], native, 'j2k')],
  ['j2k-lossy', 'JPEG 2000 (lossy)', () => tool('gdcmconv', ['--j2k', '--lossy', '-r', '10'], native, 'j2k-lossy')],
  ['htj2k', 'HTJ2K Lossless', () => htj2k(native)],
];
const only = values.only?.split(',');
const chosen = syntaxes.filter(([key]) => !only || only.includes(key));

const files = [];
for (const [key, name, make] of chosen) files.push({ key, name, bytes: await make() });

async function p50(task) {
  const times = [];
  for (let index = 0; index < repeat; index++) {
    const start = performance.now();
    await task();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[Math.floor(times.length / 2)]);
}

const pool = imaging.createImagingPool({ threads: 2 });
const results = [];
for (const { key, name, bytes } of files) {
  await imaging.renderInstance(bytes, { format: 'jpeg', maxSize: 256 }); // load the codec once
  const decode = await p50(() => imaging.decodeFrame(bytes, 1));
  const preview = await p50(() => imaging.renderInstance(bytes, { format: 'jpeg', maxSize: 1024, quality: 90 }));
  const thumbnail = await p50(() => imaging.renderInstance(bytes, { format: 'jpeg', maxSize: 256, quality: 80 }));
  await pool.render(bytes, { format: 'jpeg', maxSize: 256 });
  const pooled = await p50(() => pool.render(bytes, { format: 'jpeg', maxSize: 1024, quality: 90 }));
  results.push({ syntax: key, name, mb: +(bytes.length / 2 ** 20).toFixed(1), decode, preview, thumbnail, pooled });
}
await pool.close();

console.log(
  `\n${columns} × ${rows} 16-bit DX, p50 of ${repeat} runs (ms), ${os.cpus().length} cores, Node ${process.version}`,
);
console.table(
  results.map((r) => ({
    'transfer syntax': r.name,
    MB: r.mb,
    'decode (full res)': r.decode,
    'preview 1024 JPEG': r.preview,
    'thumbnail 256 JPEG': r.thumbnail,
    'preview via pool': r.pooled,
  })),
);
console.log(JSON.stringify({ bench: 'decode', rows, columns, repeat, results }));
