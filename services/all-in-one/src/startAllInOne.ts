import { availableParallelism } from 'node:os';
import type { Config } from '@telerad/config';
import { start as startDelivery } from '@telerad/delivery';
import { createImagingPool } from '@telerad/imaging';
import { scheduleOrphanSweep, startCStoreScp } from '@telerad/ingest';
import { start as startPreviews } from '@telerad/previews';
import { start as startRouter } from '@telerad/router';
import { openRuntime, type Runtime, type RuntimeOptions } from '@telerad/runtime';
import { start as startWeb } from '@telerad/web';
import { startDicomChild } from './dicomProcess.js';

export interface AllInOne {
  runtime: Runtime;
  url: string;
  port: number;
  /** The C-STORE SCP's port (its own or its C-STORE process's), or null when a primary's C-STORE process has it. */
  dicomPort: number | null;
  /** Runs the router's reconciliation pass now. */
  reconcileNow(): Promise<void>;
  /** Queues render jobs for every instance without previews now; resolves to how many. */
  reconcilePreviewsNow(): Promise<number>;
  stop(): Promise<void>;
}

export interface AllInOneOptions extends RuntimeOptions {
  host?: string;
  /**
   * Run the hourly sweep of orphaned files here (default true). The primary of a cluster of workers
   * runs it once for all of them, so its workers pass false.
   */
  orphanSweep?: boolean;
  /**
   * Where the C-STORE SCP runs: `inline`, here (the default); `child`, in a C-STORE process this
   * process forks and serves its database to (PGlite with TELERAD_DICOM_PROCESS=separate); `none`,
   * not here (a worker of a primary that runs the C-STORE process).
   */
  cstore?: 'inline' | 'child' | 'none';
}

/**
 * Every telerad service in one process, sharing one runtime. With `config.workers` processes of it
 * (TELERAD_WORKERS), each sizes its imaging pools to its share of the cores.
 */
export async function startAllInOne(config: Config, options: AllInOneOptions = {}): Promise<AllInOne> {
  const runtime = await openRuntime(config, options);
  const stops: Array<() => Promise<void>> = [];
  try {
    const router = await startRouter(runtime);
    stops.push(() => router.stop());
    const delivery = await startDelivery(runtime);
    stops.push(() => delivery.stop());
    // Two imaging pools: previews after intake run in niced threads on half the cores, so a burst of
    // uploads is acknowledged first; a radiologist's rendered/thumbnail requests have their own.
    const cores = Math.max(1, Math.floor(availableParallelism() / config.workers));
    const imaging = createImagingPool({ threads: Math.min(4, cores) });
    stops.push(() => imaging.close());
    const backgroundThreads = Math.max(1, Math.floor(cores / 2));
    const background = createImagingPool({ threads: backgroundThreads, niceness: 10 });
    stops.push(() => background.close());
    // One job more than threads: while one job reads or stores files, the threads stay busy.
    const previews = await startPreviews(runtime, { imaging: background, concurrency: backgroundThreads + 1 });
    stops.push(() => previews.stop());
    const cstore = options.cstore ?? 'inline';
    const scp =
      cstore === 'inline'
        ? await startCStoreScp(runtime, {
            port: config.dicomPort,
            ...(options.host !== undefined ? { host: options.host } : {}),
          })
        : cstore === 'child'
          ? await startDicomChild(runtime)
          : null;
    if (scp !== null) stops.push(() => scp.stop());
    const web = await startWeb(runtime, { imaging, ...(options.host !== undefined ? { host: options.host } : {}) });
    stops.push(() => web.stop());
    // Hourly: remove stored files whose index row never committed.
    if (options.orphanSweep ?? true) {
      const stopSweep = scheduleOrphanSweep(runtime);
      stops.push(async () => stopSweep());
    }
    return {
      runtime,
      url: web.url,
      port: web.port,
      dicomPort: scp?.port ?? null,
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
