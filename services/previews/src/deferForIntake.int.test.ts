import { createDxInstance } from '@telerad/dicom';
import { storeInstance } from '@telerad/ingest';
import { markIntakeActive } from '@telerad/queue';
import type { Runtime } from '@telerad/runtime';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type PreviewsStack, startPreviewsStack } from './testing/previewsStack.js';

const MAX_DEFER_MS = 2500;

/**
 * Render jobs yield to intake: while instances keep arriving a preview waits, and it is made once
 * intake has been quiet, or once it has waited TELERAD_PREVIEW_DEFER_SECONDS, whichever comes first.
 * Real PostgreSQL, Redis and imaging pool.
 */
describe('render jobs wait for a quiet moment in intake', () => {
  let stack: PreviewsStack;
  let runtime: Runtime;
  let clinicId: string;

  beforeAll(async () => {
    stack = await startPreviewsStack({ TELERAD_PREVIEW_DEFER_SECONDS: String(MAX_DEFER_MS / 1000) });
    ({ runtime, clinicId } = stack);
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
  });

  const prefix = () => runtime.config.queuePrefix;
  const send = () =>
    storeInstance(runtime, createDxInstance({ rows: 600, columns: 500 }), {
      clinicId,
      actor: 'clinic:test',
      channel: 'stow-rs',
    });
  const statusOf = async (sopInstanceUid: string) =>
    (
      await runtime.db.db
        .selectFrom('instance')
        .select(['id', 'preview_status'])
        .where('sop_instance_uid', '=', sopInstanceUid)
        .executeTakeFirstOrThrow()
    ).preview_status;
  /** Milliseconds from `since` until the preview is ready (polled every 50 ms, at most 20 s). */
  const readyAfter = async (sopInstanceUid: string, since: number) => {
    const deadline = Date.now() + 20_000;
    while ((await statusOf(sopInstanceUid)) === 'pending') {
      if (Date.now() > deadline) throw new Error('no preview after 20 s');
      await new Promise((r) => setTimeout(r, 50));
    }
    return Date.now() - since;
  };
  const deferrals = async () =>
    (await runtime.metrics.registry.getSingleMetric('telerad_preview_deferrals_total')?.get())?.values[0]?.value ?? 0;

  test('while intake is busy the render job is put back, and it renders once intake is quiet', async () => {
    const before = await deferrals();
    const stored = await send();
    const storedAt = Date.now();
    // More uploads arriving: intake stays busy for 1.5 s more.
    await markIntakeActive(runtime.redis, prefix(), 1500);
    await new Promise((r) => setTimeout(r, 700));
    expect(await statusOf(stored.sopInstanceUid)).toBe('pending');
    const { id } = await runtime.db.db
      .selectFrom('instance')
      .select('id')
      .where('sop_instance_uid', '=', stored.sopInstanceUid)
      .executeTakeFirstOrThrow();
    expect(await (await runtime.queues.render.getJob(`render-${id}`))?.getState()).toBe('delayed');
    expect(await deferrals()).toBeGreaterThan(before);
    const elapsed = await readyAfter(stored.sopInstanceUid, storedAt);
    expect(elapsed).toBeGreaterThanOrEqual(1500);
    expect(await statusOf(stored.sopInstanceUid)).toBe('ready');
  });

  test('a steady stream of uploads delays previews by at most the deferral limit, never starves them', async () => {
    const stored = await send();
    const storedAt = Date.now();
    let marking = true;
    const keepBusy = (async () => {
      while (marking) {
        await markIntakeActive(runtime.redis, prefix(), 1000);
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    try {
      const elapsed = await readyAfter(stored.sopInstanceUid, storedAt);
      // Rendered although intake never went quiet, and not before the limit.
      expect(elapsed).toBeGreaterThanOrEqual(MAX_DEFER_MS - 100);
      expect(await runtime.redis.pttl(`${prefix()}:intake:active`)).toBeGreaterThan(0);
    } finally {
      marking = false;
      await keepBusy;
    }
  });

  test('with intake quiet a preview is made at once after its instance', async () => {
    const stored = await send();
    const storedAt = Date.now();
    // The instance's own mark is the only one: the preview follows about one quiet period later.
    expect(await readyAfter(stored.sopInstanceUid, storedAt)).toBeLessThan(MAX_DEFER_MS);
  });
});
