import { createDxInstance, newUid } from '@telerad/dicom';
import { openRuntime, type Runtime } from '@telerad/runtime';
import { testConfig } from '@telerad/testkit';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createApp } from './createApp.js';
import { stowTo } from './testing/stowTo.js';

/** Staff find patients by Chinese name, pinyin or initials, over /api and QIDO-RS. */
describe('patient name search', () => {
  let runtime: Runtime;
  let app: ReturnType<typeof createApp>;
  let cleanup: () => Promise<void>;
  const wang = newUid();
  const li = newUid();

  beforeAll(async () => {
    const t = await testConfig({ database: 'postgres' });
    cleanup = t.cleanup;
    runtime = await openRuntime(t.config);
    app = createApp(runtime);
    await stowTo(app, [
      createDxInstance({ studyInstanceUid: wang, patientName: 'Wang^XiaoDong=王^小东', patientId: 'P-WXD' }),
      createDxInstance({ studyInstanceUid: li, patientName: '李^秀英', characterSet: 'GB18030', patientId: 'P-LXY' }),
    ]).expect(200);
  }, 60_000);

  afterAll(async () => {
    await runtime?.close();
    await cleanup?.();
  });

  const apiSearch = async (q: string) =>
    (
      await request(app).get('/api/studies').query({ q }).set('authorization', 'Bearer demo-token-clinic-a').expect(200)
    ).body.items.map((s: { studyInstanceUid: string }) => s.studyInstanceUid);
  const qido = async (PatientName: string) =>
    (
      await request(app)
        .get('/dicomweb/studies')
        .query({ PatientName })
        .set('authorization', 'Bearer demo-token-clinic-a')
        .expect(200)
    ).body.map((s: Record<string, { Value?: string[] }>) => s['0020000D']?.Value?.[0]);

  test.each([
    ['wxd', [wang]],
    ['WXD', [wang]],
    ['wangxiao', [wang]],
    ['王小东', [wang]],
    ['lxy', [li]],
    ['李秀英', [li]],
    ['P-LXY', [li]],
    ['zzz', []],
  ])('/api/studies?q=%s', async (q, expected) => {
    expect((await apiSearch(q)).sort()).toEqual([...expected].sort());
  });

  test.each([
    ['wxd*', [wang]],
    ['w?d', [wang]],
    ['王*', [wang]],
    ['li*', [li]],
    ['x*', [wang, li]],
  ])('QIDO-RS PatientName=%s', async (pattern, expected) => {
    expect((await qido(pattern)).sort()).toEqual([...expected].sort());
  });

  test('QIDO-RS returns the name with its Alphabetic and Ideographic groups', async () => {
    const r = await request(app)
      .get('/dicomweb/studies')
      .query({ StudyInstanceUID: wang })
      .set('authorization', 'Bearer demo-token-clinic-a')
      .expect(200);
    expect(r.body[0]['00100010']).toEqual({
      vr: 'PN',
      Value: [{ Alphabetic: 'Wang^XiaoDong', Ideographic: '王^小东' }],
    });
  });
});
