import type { Config } from '@telerad/config';
import { start as startDelivery } from '@telerad/delivery';
import { sweepOrphanBlobs } from '@telerad/ingest';
import { start as startRouter } from '@telerad/router';
import { openRuntime, type Runtime, type RuntimeOptions } from '@telerad/runtime';
import { start as startWeb } from '@telerad/web';

export interface AllInOne {
  runtime: Runtime;
  url: string;
  port: number;
  /** Runs the router's reconciliation pass now. */
  reconcileNow(): Promise<void>;
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
    const web = await startWeb(runtime, { ...(options.host !== undefined ? { host: options.host } : {}) });
    stops.push(() => web.stop());
    // Hourly: remove stored files whose index row never committed (see sweepOrphanBlobs).
    const sweep = setInterval(() => {
      sweepOrphanBlobs(runtime, { olderThanMs: 3_600_000 }).catch((error: unknown) =>
        runtime.logger.error({ err: error }, 'orphan file sweep failed'),
      );
    }, 3_600_000);
    sweep.unref();
    stops.push(async () => clearInterval(sweep));
    return {
      runtime,
      url: web.url,
      port: web.port,
      reconcileNow: () => router.reconcileNow(),
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
