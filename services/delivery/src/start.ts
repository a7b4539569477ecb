import { type DeliveryPayload, deliveryPayload, QUEUES, scheduleBackoff } from '@telerad/queue';
import type { Runtime } from '@telerad/runtime';
import { type Job, Worker } from 'bullmq';
import { execDeliveryJob } from './execDeliveryJob.js';

export type DeliveryStartDeps = Pick<Runtime, 'db' | 'redis' | 'logger' | 'metrics' | 'config' | 'newRedis'>;

/** The delivery worker: signed reports back to the clinics, retried on the configured schedule. */
export async function start(deps: DeliveryStartDeps): Promise<{ stop(): Promise<void> }> {
  const logger = deps.logger.child({ service: 'delivery' });
  const worker = new Worker<DeliveryPayload>(
    QUEUES.delivery,
    async (job: Job<DeliveryPayload>) => {
      const { deliveryId } = deliveryPayload.parse(job.data);
      const attempt = job.attemptsMade + 1;
      const final = attempt >= (job.opts.attempts ?? 1);
      return execDeliveryJob(deliveryId, { attempt, final }, { ...deps, logger });
    },
    {
      connection: deps.newRedis(),
      prefix: deps.config.queuePrefix,
      concurrency: 8,
      settings: { backoffStrategy: scheduleBackoff(deps.config.deliveryRetryDelaysMs) },
    },
  );
  worker.on('error', (error) => logger.error({ err: error }, 'worker error'));
  return {
    async stop() {
      await worker.close();
    },
  };
}
