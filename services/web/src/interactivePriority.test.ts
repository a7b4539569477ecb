import type { AddressInfo } from 'node:net';
import { loopPriorityState } from '@telerad/runtime';
import express from 'express';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { interactivePriority } from './interactivePriority.js';

/** Which requests uploads yield to: each route answers with the interactive count it saw. */
describe('interactive requests', () => {
  let base: string;
  let close: () => void;

  beforeAll(async () => {
    const app = express();
    app.use(interactivePriority());
    app.use((_req, res) => {
      res.json({ interactive: loopPriorityState().interactive });
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => server.close();
  });
  afterAll(() => close?.());

  const seen = async (method: string, path: string) =>
    ((await (await fetch(`${base}${path}`, { method })).json()) as { interactive: number }).interactive;

  test('API and DICOMweb reads count while they are answered, and not after', async () => {
    expect(await seen('GET', '/api/studies?q=x')).toBe(1);
    expect(await seen('POST', '/api/studies/abc/submit')).toBe(1);
    expect(await seen('GET', '/dicomweb/studies/1.2/series/3.4/instances/5.6/rendered')).toBe(1);
    expect(await seen('GET', '/dicomweb/studies?PatientID=P1')).toBe(1);
    expect(loopPriorityState().interactive).toBe(0);
  });

  test('uploads and the live event stream do not count', async () => {
    expect(await seen('POST', '/dicomweb/studies')).toBe(0);
    expect(await seen('POST', '/dicomweb/studies/1.2.3')).toBe(0);
    expect(await seen('PATCH', '/api/uploads/abc')).toBe(0);
    expect(await seen('GET', '/api/events')).toBe(0);
    expect(await seen('GET', '/index.html')).toBe(0);
  });
});
