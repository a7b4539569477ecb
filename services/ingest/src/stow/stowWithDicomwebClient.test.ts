import { request } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { createDxInstance, DicomParseError, parseInstance } from '@telerad/dicom';
import { api } from 'dicomweb-client';
import express from 'express';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { buildStowResponse, type FailedInstance, type StoredInstance } from './buildStowResponse.js';
import { failureReasonForParseError } from './failureReason.js';
import { MultipartError } from './MultipartError.js';
import { parseMultipartRelated } from './parseMultipartRelated.js';
import { stowStatus } from './stowStatus.js';

// A minimal STOW-RS endpoint built from the stow module, driven by dicomweb-client — a real
// DICOMweb client with its own multipart encoder — over loopback HTTP (xhr2 gives it XMLHttpRequest).
// xhr2 ships no types; dicomweb-client only needs an object with the XMLHttpRequest interface.
const XMLHttpRequest = createRequire(import.meta.url)('xhr2') as new () => XMLHttpRequestLike;
type XMLHttpRequestLike = { open(method: string, url: string): void };
const received: Buffer[] = [];
let baseUrl = '';
let close: () => Promise<void>;

beforeAll(async () => {
  const app = express();
  app.post('/small/studies', async (req, res) => {
    try {
      await parseMultipartRelated(req, req.headers['content-type'] ?? '', async () => {}, {
        maxPartBytes: 1024 * 1024,
      });
      res.status(200).end();
    } catch (error) {
      if (!(error instanceof MultipartError)) throw error;
      res
        .status(error.kind === 'too-large' ? 413 : 400)
        .set('Connection', 'close')
        .json({ error: error.message });
    }
  });
  app.post('/dicomweb/studies', async (req, res) => {
    const stored: StoredInstance[] = [];
    const failed: FailedInstance[] = [];
    try {
      await parseMultipartRelated(
        req,
        req.headers['content-type'] ?? '',
        async (part) => {
          received.push(part.body);
          try {
            const meta = parseInstance(part.body);
            stored.push({ sopClassUid: meta.sopClassUid, sopInstanceUid: meta.sopInstanceUid });
          } catch (error) {
            if (!(error instanceof DicomParseError)) throw error;
            failed.push({ failureReason: failureReasonForParseError(error.reason), message: error.message });
          }
        },
        { maxPartBytes: 64 * 1024 * 1024 },
      );
    } catch (error) {
      if (!(error instanceof MultipartError)) throw error;
      res.status(400).set('Connection', 'close').json({ error: error.message });
      return;
    }
    res
      .status(stowStatus(stored.length, failed.length))
      .type('application/dicom+json')
      .send(JSON.stringify(buildStowResponse({ stored, failed })));
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dicomweb`;
  close = () => new Promise((resolve) => server.close(() => resolve()));
});

afterAll(() => close());

const client = () => new api.DICOMwebClient({ url: baseUrl, verbose: false, singlepart: false });
const arrayBuffer = (bytes: Buffer): ArrayBuffer => {
  const copy = new ArrayBuffer(bytes.length);
  new Uint8Array(copy).set(bytes);
  return copy;
};

test('dicomweb-client storeInstances: every instance arrives intact and is acknowledged', async () => {
  received.length = 0;
  const instances = [
    createDxInstance({ patientId: 'DWC-1', rows: 512, columns: 512 }),
    createDxInstance({ patientId: 'DWC-2', patientName: 'Wang^XiaoDong=王^小东', characterSet: 'GB18030' }),
    createDxInstance({ patientId: 'DWC-3', rows: 64, columns: 64 }),
  ];
  const response = await client().storeInstances({
    datasets: instances.map(arrayBuffer),
    request: { instance: new XMLHttpRequest() },
  });
  expect(received).toHaveLength(3);
  expect(received.map((body, index) => body.equals(instances[index] as Buffer))).toEqual([true, true, true]);
  const json = JSON.parse(String(response));
  expect(json['00081199'].Value.map((item: Record<string, { Value: string[] }>) => item['00081155']?.Value[0])).toEqual(
    instances.map((instance) => parseInstance(instance).sopInstanceUid),
  );
  expect(json['00081198']).toBeUndefined();
});

test('dicomweb-client gets 409 and a reason for each part when nothing could be stored', async () => {
  const notDicom = Buffer.from('this is not a DICOM file at all, just some text in a part');
  const error = await client()
    .storeInstances({ datasets: [arrayBuffer(notDicom)], request: { instance: new XMLHttpRequest() } })
    .then(
      () => undefined,
      (caught: { status: number; response: unknown }) => caught,
    );
  expect(error?.status).toBe(409);
  const json = JSON.parse(String(error?.response));
  expect(json['00081198'].Value[0]['00081197'].Value).toEqual([0xc000]);
  expect(json['00081198'].Value[0]['00000902'].Value[0]).toMatch(/not a DICOM file/);
});

test('an oversized part gets its error response although the upload is not read to the end', async () => {
  const boundary = 'big-upload';
  const head = Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`);
  const response = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const upload = request(`${baseUrl.replace('/dicomweb', '/small')}/studies`, {
      method: 'POST',
      headers: { 'Content-Type': `multipart/related; type="application/dicom"; boundary=${boundary}` },
    });
    let answered = false;
    upload.on('close', () => {
      if (!answered) reject(new Error('the connection closed without a response'));
    });
    upload.on('response', (res) => {
      answered = true;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (text: string) => {
        body += text;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    // The server closes the connection after answering; a write still in flight may see that.
    upload.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
    });
    upload.write(head);
    const megabyte = Buffer.alloc(1024 * 1024, 0x42);
    let sent = 0;
    const pump = () => {
      while (sent < 64 && !upload.destroyed) {
        sent++;
        if (!upload.write(megabyte)) {
          upload.once('drain', pump);
          return;
        }
      }
      if (!upload.destroyed) upload.end(`\r\n--${boundary}--`);
    };
    pump();
  });
  expect(response.status).toBe(413);
  expect(JSON.parse(response.body)).toEqual({ error: 'part 1 exceeds the 1 MB limit' });
});
