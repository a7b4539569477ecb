import { createImagingPool } from '@telerad/imaging';
import { QUEUES, type RenderPayload, renderPayload } from '@telerad/queue';
import type { Runtime } from '@telerad/runtime';
import { DelayedError, type Job, Worker } from 'bullmq';
import { deferForIntake } from './deferForIntake.js';
import { execRenderJob, type Renderer } from './execRenderJob.js';
import { reconcilePreviews } from './reconcilePreviews.js';

export type PreviewsStartDeps = Pick<
  Runtime,
  'db' | 'store' | 'queues' | 'redis' | 'logger' | 'metrics' | 'config' | 'newRedis'
>;

export interface PreviewsService {
  /** Queues a render job for every instance without previews (also runs at start). */
  reconcileNow(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * The render worker: a thumbnail and a large preview for every stored instance. `imaging` shares a
 * worker-thread pool with the caller (the all-in-one gives the web service's); without one the
 * service opens its own and closes it on stop.
 */
export async function start(
  deps: PreviewsStartDeps,
  options: { imaging?: Renderer; concurrency?: number } = {},
): Promise<PreviewsService> {
  const logger = deps.logger.child({ service: 'previews' });
  const ownPool = options.imaging === undefined ? createImagingPool({ niceness: 10 }) : null;
  const imaging = options.imaging ?? (ownPool as Renderer);
  const worker = new Worker<RenderPayload>(
    QUEUES.render,
    async (job: Job<RenderPayload>, token?: string) => {
      const { instanceId } = renderPayload.parse(job.data);
      const wait = await deferForIntake(deps.redis, deps.config.queuePrefix, job.timestamp, deps.config.previewDeferMs);
      if (wait > 0) {
        // Back to the delayed set, not sleeping here: the slot and the job's lock are free meanwhile,
        // and a stop does not wait for it.
        await job.moveToDelayed(Date.now() + wait, token);
        deps.metrics.previewDeferrals.inc();
        throw new DelayedError();
      }
      const outcome = await execRenderJob(instanceId, { ...deps, imaging, logger });
      return outcome.kind;
    },
    { connection: deps.newRedis(), prefix: deps.config.queuePrefix, concurrency: options.concurrency ?? 2 },
  );
  worker.on('error', (error) => logger.error({ err: error }, 'worker error'));
  worker.on('failed', (job, error) => logger.warn({ err: error, jobId: job?.id }, 'render job failed'));

  const reconcileNow = async () => {
    const queued = await reconcilePreviews(deps);
    if (queued > 0) logger.info({ queued }, 'queued render jobs for instances without previews');
    return queued;
  };
  try {
    await reconcileNow();
  } catch (error) {
    await worker.close();
    await ownPool?.close();
    throw error;
  }
  return {
    reconcileNow,
    async stop() {
      await worker.close();
      await ownPool?.close();
    },
  };
}
