import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createDxInstance, newUid, readFrames } from '@telerad/dicom';
import { findOrthanc, multipartRelated, startOrthanc, tempDir, testConfig } from '@telerad/testkit';
import dicomweb from 'dicomweb-client';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import XHR2 from 'xhr2';
import { type AllInOne, startAllInOne } from './startAllInOne.js';

type Json = Record<string, { vr: string; Value?: unknown[]; BulkDataURI?: string }>;
const TOKEN = 'demo-token-clinic-a';
const JLS = '1.2.840.10008.1.2.4.80';
const orthanc = findOrthanc();
const orthancMissing = 'missing' in orthanc ? orthanc.missing : undefined;

/**
 * Real DICOMweb clients read from a running telerad: dicomweb-client (what OHIF Viewer uses) for
 * QIDO-RS, metadata, instances, frames and bulk data, and Orthanc's DICOMweb plugin pulling a study.
 */
describe('DICOMweb interoperability', () => {
  let stack: AllInOne;
  let cleanup: () => Promise<void>;
  const study = newUid();
  const series = newUid();
  const jlsSeries = newUid();
  const sops = [newUid(), newUid()];
  const jlsSop = newUid();
  const files: Buffer[] = [];
  let jlsFile: Buffer;

  beforeAll(async () => {
    const dir = await tempDir('interop');
    const common = {
      studyInstanceUid: study,
      patientName: 'Wang^XiaoDong=王^小东',
      patientId: 'P-INTEROP',
      accessionNumber: 'ACC-INTEROP',
      rows: 96,
      columns: 80,
    };
    sops.forEach((sopInstanceUid, i) => {
      files.push(createDxInstance({ ...common, seriesInstanceUid: series, sopInstanceUid, instanceNumber: i + 1 }));
    });
    const input = path.join(dir.path, 'in.dcm');
    const output = path.join(dir.path, 'jls.dcm');
    writeFileSync(
      input,
      createDxInstance({ ...common, seriesInstanceUid: jlsSeries, sopInstanceUid: jlsSop, seriesNumber: 2 }),
    );
    execFileSync('gdcmconv', ['--jpegls', input, output]);
    jlsFile = readFileSync(output);
    await dir.remove();

    const t = await testConfig({ database: 'postgres' });
    cleanup = t.cleanup;
    stack = await startAllInOne(t.config, { host: '127.0.0.1' });
    const { body, contentType } = multipartRelated([...files, jlsFile]);
    const stow = await fetch(`${stack.url}/dicomweb/studies`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': contentType },
      body,
    });
    expect(stow.status).toBe(200);
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    await cleanup?.();
  });

  describe('dicomweb-client', () => {
    let client: InstanceType<typeof dicomweb.api.DICOMwebClient>;
    beforeAll(() => {
      // dicomweb-client speaks XMLHttpRequest, as in the browser; xhr2 provides it in Node.
      (globalThis as { XMLHttpRequest?: unknown }).XMLHttpRequest = XHR2;
      client = new dicomweb.api.DICOMwebClient({
        url: `${stack.url}/dicomweb`,
        headers: { Authorization: `Bearer ${TOKEN}` },
      });
    });

    test('QIDO-RS: studies, series and instances', async () => {
      const studies = (await client.searchForStudies({ queryParams: { PatientID: 'P-INTEROP' } })) as Json[];
      expect(studies.map((s) => s['0020000D']?.Value?.[0])).toEqual([study]);
      expect(studies[0]?.['00100010']?.Value?.[0]).toEqual({ Alphabetic: 'Wang^XiaoDong', Ideographic: '王^小东' });
      const allSeries = (await client.searchForSeries({ studyInstanceUID: study })) as Json[];
      expect(allSeries.map((s) => s['0020000E']?.Value?.[0])).toEqual([series, jlsSeries]);
      const instances = (await client.searchForInstances({
        studyInstanceUID: study,
        seriesInstanceUID: series,
        queryParams: { includefield: 'all' },
      })) as Json[];
      expect(instances.map((i) => i['00080018']?.Value?.[0])).toEqual(sops);
      expect(instances[0]?.['00280010']?.Value?.[0]).toBe(96);
    });

    test('WADO-RS metadata, instance, frames and bulk data', async () => {
      const metadata = (await client.retrieveSeriesMetadata({
        studyInstanceUID: study,
        seriesInstanceUID: series,
      })) as Json[];
      expect(metadata.map((m) => m['00080018']?.Value?.[0])).toEqual(sops);
      expect(metadata[0]?.['00100010']?.Value?.[0]).toEqual({ Alphabetic: 'Wang^XiaoDong', Ideographic: '王^小东' });

      const instance = (await client.retrieveInstance({
        studyInstanceUID: study,
        seriesInstanceUID: series,
        sopInstanceUID: sops[0] as string,
      })) as ArrayBuffer;
      expect(Buffer.from(instance).equals(files[0] as Buffer)).toBe(true);

      const pixels = Buffer.from(readFrames(files[0] as Buffer, [1]).frames[0] as Uint8Array);
      const [frame] = (await client.retrieveInstanceFrames({
        studyInstanceUID: study,
        seriesInstanceUID: series,
        sopInstanceUID: sops[0] as string,
        frameNumbers: [1],
      })) as ArrayBuffer[];
      expect(Buffer.from(frame as ArrayBuffer).equals(pixels)).toBe(true);

      const bulk = (await client.retrieveBulkData({
        BulkDataURI: metadata[0]?.['7FE00010']?.BulkDataURI as string,
      })) as ArrayBuffer[];
      expect(Buffer.from(bulk[0] as ArrayBuffer).equals(pixels)).toBe(true);
    });

    test('WADO-RS frames of a JPEG-LS instance: as stored, or decoded', async () => {
      const target = {
        studyInstanceUID: study,
        seriesInstanceUID: jlsSeries,
        sopInstanceUID: jlsSop,
        frameNumbers: [1],
      };
      const [compressed] = (await client.retrieveInstanceFrames({
        ...target,
        mediaTypes: [{ mediaType: 'image/jls', transferSyntaxUID: JLS }],
      })) as ArrayBuffer[];
      expect(
        Buffer.from(compressed as ArrayBuffer).equals(Buffer.from(readFrames(jlsFile, [1]).frames[0] as Uint8Array)),
      ).toBe(true);
      const [decoded] = (await client.retrieveInstanceFrames(target)) as ArrayBuffer[];
      const original = Buffer.from(readFrames(files[0] as Buffer, [1]).frames[0] as Uint8Array);
      expect(Buffer.from(decoded as ArrayBuffer).equals(original)).toBe(true);
    });
  });

  test.skipIf(orthancMissing !== undefined)(
    `Orthanc's DICOMweb plugin pulls the study from telerad${orthancMissing ? ` (skipped: ${orthancMissing})` : ''}`,
    async () => {
      if ('missing' in orthanc) return;
      const peer = await startOrthanc(orthanc, {
        dicomWebServers: {
          telerad: { Url: `${stack.url}/dicomweb/`, HttpHeaders: { Authorization: `Bearer ${TOKEN}` } },
        },
      });
      try {
        const orthancApi = async (p: string, init: RequestInit = {}) => {
          const r = await fetch(`${peer.url}${p}`, { ...init, headers: { ...peer.headers, ...(init.headers ?? {}) } });
          const text = await r.text();
          expect(r.status, text).toBe(200);
          return JSON.parse(text);
        };
        const found = await orthancApi('/dicom-web/servers/telerad/qido', {
          method: 'POST',
          body: JSON.stringify({ Uri: '/studies', Arguments: { PatientID: 'P-INTEROP' } }),
        });
        // Orthanc re-reads telerad's DICOM JSON and answers in its own simplified form.
        expect(found.map((s: Record<string, { Value?: string }>) => s['0020000D']?.Value)).toEqual([study]);
        await orthancApi('/dicom-web/servers/telerad/retrieve', {
          method: 'POST',
          body: JSON.stringify({ Resources: [{ Study: study }], Synchronous: true }),
        });
        const instances = (await orthancApi('/instances?expand')) as Array<{
          ID: string;
          MainDicomTags: Record<string, string>;
        }>;
        expect(instances.map((i) => i.MainDicomTags.SOPInstanceUID).sort()).toEqual([...sops, jlsSop].sort());
        for (const [sop, file] of [
          [sops[0], files[0]],
          [jlsSop, jlsFile],
        ] as const) {
          const id = instances.find((i) => i.MainDicomTags.SOPInstanceUID === sop)?.ID;
          const stored = Buffer.from(
            await (await fetch(`${peer.url}/instances/${id}/file`, { headers: peer.headers })).arrayBuffer(),
          );
          expect(stored.equals(file as Buffer), `${sop} arrived byte for byte`).toBe(true);
        }
      } finally {
        await peer.stop();
      }
    },
    60_000,
  );
});
