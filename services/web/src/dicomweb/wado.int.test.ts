import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createDxInstance, newUid, readFrames } from '@telerad/dicom';
import { openRuntime, type Runtime } from '@telerad/runtime';
import { tempDir, testConfig } from '@telerad/testkit';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { closeApp, createApp } from '../createApp.js';
import { stowTo } from '../testing/stowTo.js';

interface Part {
  headers: Record<string, string>;
  body: Buffer;
}

/** Splits a multipart/related body into its parts (what a DICOMweb client does). */
function parseMultipart(body: Buffer, contentType: string): Part[] {
  const boundary = /boundary=("?)([^";]+)\1/.exec(contentType)?.[2];
  if (boundary === undefined) throw new Error(`no boundary in ${contentType}`);
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Part[] = [];
  let position = body.indexOf(delimiter);
  for (;;) {
    const start = position + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const headerEnd = body.indexOf('\r\n\r\n', start);
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headerEnd);
    const headers = Object.fromEntries(
      body
        .subarray(start + 2, headerEnd)
        .toString()
        .split('\r\n')
        .map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
    );
    parts.push({ headers, body: body.subarray(headerEnd + 4, next) });
    position = next + 2;
  }
  return parts;
}

const ELE = '1.2.840.10008.1.2.1';
const JLS = '1.2.840.10008.1.2.4.80';

/** WADO-RS as viewers use it: retrieve, metadata, frames and bulkdata, with Accept negotiation. */
describe('WADO-RS', () => {
  let runtime: Runtime;
  let app: ReturnType<typeof createApp>;
  let cleanup: () => Promise<void>;
  const study = newUid();
  const nativeSeries = newUid();
  const compressedSeries = newUid();
  const uid = { ele: newUid(), implicit: newUid(), big: newUid(), deflated: newUid(), jls: newUid() };
  const files: Record<string, Buffer> = {};

  beforeAll(async () => {
    const dir = await tempDir('wado');
    const make = (name: keyof typeof uid, instanceNumber: number, series: string, convert?: string[]) => {
      const original = createDxInstance({
        studyInstanceUid: study,
        seriesInstanceUid: series,
        sopInstanceUid: uid[name],
        instanceNumber,
        seriesNumber: series === nativeSeries ? 1 : 2,
        rows: 64,
        columns: 48,
        patientName: 'Wang^XiaoDong=王^小东',
        patientId: 'P-WADO',
      });
      if (convert === undefined) return original;
      const input = path.join(dir.path, `${name}-in.dcm`);
      const output = path.join(dir.path, `${name}.dcm`);
      writeFileSync(input, original);
      const [tool = '', ...args] = convert;
      execFileSync(tool, [...args, input, output]);
      return readFileSync(output);
    };
    files.ele = make('ele', 1, nativeSeries);
    files.implicit = make('implicit', 2, nativeSeries, ['dcmconv', '+ti']);
    files.big = make('big', 3, nativeSeries, ['dcmconv', '+tb']);
    files.deflated = make('deflated', 4, nativeSeries, ['dcmconv', '+td']);
    files.jls = make('jls', 1, compressedSeries, ['gdcmconv', '--jpegls']);

    const t = await testConfig({ database: 'postgres' });
    cleanup = async () => {
      await t.cleanup();
      await dir.remove();
    };
    runtime = await openRuntime(t.config);
    app = createApp(runtime);
    const stow = await stowTo(app, Object.values(files));
    expect(stow.status, JSON.stringify(stow.body)).toBe(200);
  }, 60_000);

  afterAll(async () => {
    if (app !== undefined) await closeApp(app);
    await runtime?.close();
    await cleanup?.();
  });

  const get = (url: string, accept?: string, token = 'demo-token-clinic-a') => {
    const r = request(app).get(url).set('authorization', `Bearer ${token}`);
    if (accept !== undefined) r.set('accept', accept);
    return r.buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
  };
  const instanceUrl = (name: keyof typeof uid) =>
    `/dicomweb/studies/${study}/series/${name === 'jls' ? compressedSeries : nativeSeries}/instances/${uid[name]}`;
  const errorOf = (body: Buffer) => JSON.parse(body.toString()).error.message as string;
  const pixelsOf = (file: Uint8Array) => Buffer.from(readFrames(file, [1]).frames[0] as Uint8Array);

  test('an instance comes back byte for byte as stored, with Content-Length and an ETag that answers 304', async () => {
    const r = await get(instanceUrl('ele'));
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^multipart\/related; type="application\/dicom"; boundary=/);
    expect(Number(r.headers['content-length'])).toBe(r.body.length);
    const parts = parseMultipart(r.body, r.headers['content-type']);
    expect(parts).toHaveLength(1);
    expect(parts[0]?.headers['content-type']).toBe(`application/dicom; transfer-syntax=${ELE}`);
    expect(parts[0]?.body.equals(files.ele as Buffer)).toBe(true);
    const again = await get(instanceUrl('ele')).set('if-none-match', r.headers.etag);
    expect(again.status).toBe(304);
  });

  test('a study comes back whole, in series and instance order, each part in its original transfer syntax', async () => {
    const r = await get(`/dicomweb/studies/${study}`, 'multipart/related; type="application/dicom"; transfer-syntax=*');
    expect(r.status).toBe(200);
    const parts = parseMultipart(r.body, r.headers['content-type']);
    expect(parts.map((p) => p.body.equals(files.ele as Buffer))).toEqual([true, false, false, false, false]);
    expect(parts[4]?.body.equals(files.jls as Buffer)).toBe(true);
    expect(parts[4]?.headers['content-type']).toBe(`application/dicom; transfer-syntax=${JLS}`);
  });

  test('explicit VR little endian on request: implicit, big-endian and deflated instances are rewritten', async () => {
    const r = await get(
      `/dicomweb/studies/${study}/series/${nativeSeries}`,
      `multipart/related; type="application/dicom"; transfer-syntax=${ELE}`,
    );
    expect(r.status).toBe(200);
    const parts = parseMultipart(r.body, r.headers['content-type']);
    expect(parts).toHaveLength(4);
    const expected = pixelsOf(files.ele as Buffer);
    for (const part of parts) {
      expect(part.headers['content-type']).toBe(`application/dicom; transfer-syntax=${ELE}`);
      expect(readFrames(part.body, [1]).transferSyntaxUid).toBe(ELE);
      expect(pixelsOf(part.body).equals(expected)).toBe(true);
    }
  });

  test('explicit VR little endian on request: compressed instances are decoded', async () => {
    const r = await get(
      `/dicomweb/studies/${study}`,
      `multipart/related; type="application/dicom"; transfer-syntax=${ELE}`,
    );
    expect(r.status).toBe(200);
    const parts = parseMultipart(r.body, r.headers['content-type']);
    expect(parts).toHaveLength(5);
    const decoded = parts[4]?.body as Buffer;
    expect(readFrames(decoded, [1]).transferSyntaxUid).toBe(ELE);
    // JPEG-LS lossless: the pixels are the original ones, and dcmtk reads the rewritten file.
    expect(pixelsOf(decoded).equals(pixelsOf(files.ele as Buffer))).toBe(true);
    expect(execFileSync('dcmdump', ['+P', 'SOPInstanceUID', '-'], { input: decoded }).toString()).toContain(uid.jls);
  });

  test('406 with the reason when the transfer syntax asked for cannot be produced', async () => {
    const other = await get(
      instanceUrl('ele'),
      'multipart/related; type="application/dicom"; transfer-syntax=1.2.840.10008.1.2.4.50',
    );
    expect(other.status).toBe(406);
    expect(errorOf(other.body)).toMatch(/transfer syntax 1\.2\.840\.10008\.1\.2\.4\.50 cannot be produced/);
    const zip = await get(instanceUrl('ele'), 'application/zip');
    expect(zip.status).toBe(406);
    // A later choice the server can make wins over an earlier one it cannot.
    const fallback = await get(
      instanceUrl('jls'),
      `multipart/related; type="application/dicom"; transfer-syntax=${ELE}, multipart/related; type="application/dicom"; q=0.5`,
    );
    expect(fallback.status).toBe(200);
  });

  test('metadata is the header as DICOM JSON, with BulkDataURIs for the pixel data, in every transfer syntax', async () => {
    const r = await get(`/dicomweb/studies/${study}/metadata`, 'application/dicom+json');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/dicom\+json/);
    const items = JSON.parse(r.body.toString()) as Array<
      Record<string, { vr: string; Value?: unknown[]; BulkDataURI?: string }>
    >;
    expect(items).toHaveLength(5);
    for (const item of items) {
      expect(item['00100010']).toEqual({ vr: 'PN', Value: [{ Alphabetic: 'Wang^XiaoDong', Ideographic: '王^小东' }] });
      expect(item['00280010']).toEqual({ vr: 'US', Value: [64] });
      expect(item['00280030']?.Value).toHaveLength(2);
      expect(item['00020010']).toBeUndefined();
      expect(item['7FE00010']?.BulkDataURI).toMatch(/\/bulkdata\/7FE00010$/);
    }
    expect(items.map((i) => i['00083002']?.Value?.[0])).toEqual([
      ELE,
      '1.2.840.10008.1.2',
      '1.2.840.10008.1.2.2',
      '1.2.840.10008.1.2.1.99',
      JLS,
    ]);
    // The answer names this server in its URLs, so the ETag holds for one Host.
    const instance = await get(`${instanceUrl('big')}/metadata`).set('host', 'telerad.test');
    expect(JSON.parse(instance.body.toString())).toHaveLength(1);
    const cached = await get(`${instanceUrl('big')}/metadata`)
      .set('host', 'telerad.test')
      .set('if-none-match', instance.headers.etag);
    expect(cached.status).toBe(304);
    expect((await get(`${instanceUrl('ele')}/metadata`, 'application/xml')).status).toBe(406);
  });

  test('the pixel data BulkDataURI gives the pixels', async () => {
    const meta = JSON.parse((await get(`${instanceUrl('ele')}/metadata`)).body.toString());
    const uri = new URL(meta[0]['7FE00010'].BulkDataURI as string);
    const r = await get(uri.pathname, 'multipart/related; type="application/octet-stream"');
    expect(r.status).toBe(200);
    const [part] = parseMultipart(r.body, r.headers['content-type']);
    expect(part?.body.equals(pixelsOf(files.ele as Buffer))).toBe(true);
    const small = await get(`${instanceUrl('ele')}/bulkdata/00280010`);
    expect(parseMultipart(small.body, small.headers['content-type'])[0]?.body).toEqual(Buffer.from([64, 0]));
    expect((await get(`${instanceUrl('ele')}/bulkdata/00091234`)).status).toBe(404);
    expect((await get(`${instanceUrl('ele')}/bulkdata/pixels`)).status).toBe(400);
  });

  test('native frames as application/octet-stream, little endian whatever the file', async () => {
    const expected = pixelsOf(files.ele as Buffer);
    expect(expected.length).toBe(64 * 48 * 2);
    for (const name of ['ele', 'implicit', 'big', 'deflated'] as const) {
      const r = await get(`${instanceUrl(name)}/frames/1`, 'multipart/related; type="application/octet-stream"');
      expect(r.status, name).toBe(200);
      expect(r.headers['content-type']).toMatch(/^multipart\/related; type="application\/octet-stream"/);
      const parts = parseMultipart(r.body, r.headers['content-type']);
      expect(parts[0]?.headers['content-type']).toBe(`application/octet-stream; transfer-syntax=${ELE}`);
      expect(parts[0]?.body.equals(expected), name).toBe(true);
    }
  });

  test('compressed frames as stored when the Accept allows their media type', async () => {
    for (const accept of [
      'multipart/related; type="image/jls"',
      'multipart/related; type="application/octet-stream"; transfer-syntax=*',
    ]) {
      const r = await get(`${instanceUrl('jls')}/frames/1`, accept);
      expect(r.status, accept).toBe(200);
      const [part] = parseMultipart(r.body, r.headers['content-type']);
      expect(part?.headers['content-type']).toBe(`image/jls; transfer-syntax=${JLS}`);
      expect(part?.body.subarray(0, 4).toString('hex')).toBe('ffd8fff7');
    }
    // Asked for uncompressed: decoded in the imaging workers, the same pixels (JPEG-LS is lossless).
    const decoded = await get(`${instanceUrl('jls')}/frames/1`, 'multipart/related; type="application/octet-stream"');
    expect(decoded.status).toBe(200);
    const [raw] = parseMultipart(decoded.body, decoded.headers['content-type']);
    expect(raw?.headers['content-type']).toBe(`application/octet-stream; transfer-syntax=${ELE}`);
    expect(raw?.body.equals(pixelsOf(files.ele as Buffer))).toBe(true);
    const jpeg = await get(`${instanceUrl('jls')}/frames/1`, 'multipart/related; type="image/jpeg"');
    expect(jpeg.status).toBe(406);
    expect(errorOf(jpeg.body)).toMatch(/stored as image\/jls/);
  });

  test('frame numbers are checked', async () => {
    expect((await get(`${instanceUrl('ele')}/frames/2`)).status).toBe(404);
    expect(errorOf((await get(`${instanceUrl('ele')}/frames/2`)).body)).toMatch(
      /frame 2 does not exist: the instance has 1/,
    );
    expect((await get(`${instanceUrl('ele')}/frames/0`)).status).toBe(400);
    expect((await get(`${instanceUrl('ele')}/frames/1,x`)).status).toBe(400);
    const two = await get(`${instanceUrl('ele')}/frames/1,1`);
    expect(parseMultipart(two.body, two.headers['content-type'])).toHaveLength(2);
  });

  test('tenancy and unknown UIDs', async () => {
    expect((await get(instanceUrl('ele'), undefined, 'demo-token-clinic-b')).status).toBe(403);
    expect((await get(`${instanceUrl('ele')}/metadata`, undefined, 'demo-token-clinic-b')).status).toBe(403);
    expect((await get(`${instanceUrl('ele')}/frames/1`, undefined, 'demo-token-clinic-b')).status).toBe(403);
    const unknown = await get(`/dicomweb/studies/${study}/series/${nativeSeries}/instances/${newUid()}`);
    expect(unknown.status).toBe(404);
    expect(errorOf(unknown.body)).toMatch(/no instance/);
    expect((await get(`/dicomweb/studies/${newUid()}`)).status).toBe(404);
    expect((await get(`/dicomweb/studies/${study}/series/${newUid()}/metadata`)).status).toBe(404);
  });
});
