import { Queue, type QueueOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  type DeliveryPayload,
  QUEUES,
  type RenderPayload,
  type RosterSweepPayload,
  type SlaTimerPayload,
  type StudyReadyPayload,
} from './names.js';

export interface Queues {
  studyReady: Queue<StudyReadyPayload>;
  sla: Queue<SlaTimerPayload>;
  delivery: Queue<DeliveryPayload>;
  roster: Queue<RosterSweepPayload>;
  render: Queue<RenderPayload>;
  close(): Promise<void>;
}

/** Finished jobs are kept for a bounded time so Redis does not grow without end. */
export const JOB_RETENTION = {
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
} as const;

export function createQueues(connection: Redis, prefix: string): Queues {
  const options: QueueOptions = { connection, prefix, defaultJobOptions: { ...JOB_RETENTION } };
  const studyReady = new Queue<StudyReadyPayload>(QUEUES.studyReady, options);
  const sla = new Queue<SlaTimerPayload>(QUEUES.sla, options);
  const delivery = new Queue<DeliveryPayload>(QUEUES.delivery, options);
  const roster = new Queue<RosterSweepPayload>(QUEUES.roster, {
    ...options,
    defaultJobOptions: { removeOnComplete: { count: 100 }, removeOnFail: { count: 1000 } },
  });
  const render = new Queue<RenderPayload>(QUEUES.render, options);
  return {
    studyReady,
    sla,
    delivery,
    roster,
    render,
    async close() {
      await Promise.all([studyReady.close(), sla.close(), delivery.close(), roster.close(), render.close()]);
    },
  };
}
