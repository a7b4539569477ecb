import { availableParallelism } from 'node:os';
import type { Config } from '@telerad/config';
import { start as startDelivery } from '@telerad/delivery';
import { createImagingPool } from '@telerad/imaging';
import { scheduleOrphanSweep, startCStoreScp } from '@telerad/ingest';
import { start as startPreviews } from '@telerad/previews';
import { start as startRouter } from '@telerad/router';
import { openRuntime, type Runtime, type RuntimeOptions } from '@telerad/runtime';
import { start as startWeb } from '@telerad/web';

export interface AllInOne {
  runtime: Runtime;
  url: string;
  port: number;
  /** The C-STORE SCP's port. */
  dicomPort: number;
  /** Runs the router's reconciliation pass now. */
  reconcileNow(): Promise<void>;
  /** Queues render jobs for every instance without previews now; resolves to how many. */
  reconcilePreviewsNow(): Promise<number>;
  stop(): Promise<void>;
}

/** Every telerad service in one process, sharing one runtime. */
export async function startAllInOne(
  config: Config,
  options: RuntimeOptions & { host?: string } = {},
): Promise<AllInOne> {
  const runtime = await openRuntime(config, options);
  const stops: Array<() => Promise<void>> = [];
  try {
    const router = await startRouter(runtime);
    stops.push(() => router.stop());
    const delivery = await startDelivery(runtime);
    stops.push(() => delivery.stop());
    // Two imaging pools: previews after intake run in niced threads on half the cores, so a burst of
    // uploads is acknowledged first; a radiologist's rendered/thumbnail requests have their own.
    const imaging = createImagingPool();
    stops.push(() => imaging.close());
    const backgroundThreads = Math.max(1, Math.floor(availableParallelism() / 2));
    const background = createImagingPool({ threads: backgroundThreads, niceness: 10 });
    stops.push(() => background.close());
    // One job more than threads: while one job reads or stores files, the threads stay busy.
    const previews = await startPreviews(runtime, { imaging: background, concurrency: backgroundThreads + 1 });
    stops.push(() => previews.stop());
    const scp = await startCStoreScp(runtime, {
      port: config.dicomPort,
      ...(options.host !== undefined ? { host: options.host } : {}),
    });
    stops.push(() => scp.stop());
    const web = await startWeb(runtime, { imaging, ...(options.host !== undefined ? { host: options.host } : {}) });
    stops.push(() => web.stop());
    // Hourly: remove stored files whose index row never committed.
    const stopSweep = scheduleOrphanSweep(runtime);
    stops.push(async () => stopSweep());
    return {
      runtime,
      url: web.url,
      port: web.port,
      dicomPort: scp.port,
      reconcileNow: () => router.reconcileNow(),
      reconcilePreviewsNow: () => previews.reconcileNow(),
      async stop() {
        for (const stop of stops.reverse()) await stop();
        await runtime.close();
      },
    };
  } catch (error) {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await runtime.close();
    throw error;
  }
}
