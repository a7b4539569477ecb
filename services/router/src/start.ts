import {
  QUEUES,
  type RosterSweepPayload,
  rosterSweepPayload,
  type SlaTimerPayload,
  type StudyReadyPayload,
  scheduleRosterSweeps,
  slaTimerPayload,
  studyReadyPayload,
} from '@telerad/queue';
import { beginInteractive, type Runtime } from '@telerad/runtime';
import { DelayedError, type Job, Worker } from 'bullmq';
import { execRosterSweep } from './execRosterSweep.js';
import { execRouteJob } from './execRouteJob.js';
import { execSlaTimerJob } from './execSlaTimerJob.js';
import { execStableCheckJob } from './execStableCheckJob.js';
import { reconcile } from './reconcile.js';

export interface RouterService {
  /** Runs one reconciliation pass now (also runs at start and every minute). */
  reconcileNow(): Promise<void>;
  stop(): Promise<void>;
}

export type RouterStartDeps = Pick<
  Runtime,
  'db' | 'queues' | 'redis' | 'logger' | 'metrics' | 'config' | 'slaPolicy' | 'readingMinutes' | 'newRedis'
>;

/** The router: study readiness, assignment and SLA timers. Any number of copies may run at once. */
export async function start(
  deps: RouterStartDeps,
  options: { reconcileEveryMs?: number; rosterSweepEveryMs?: number } = {},
): Promise<RouterService> {
  const logger = deps.logger.child({ service: 'router' });
  const workerOptions = { connection: deps.newRedis(), prefix: deps.config.queuePrefix, concurrency: 4 };

  const readyWorker = new Worker<StudyReadyPayload>(
    QUEUES.studyReady,
    async (job: Job<StudyReadyPayload>, token?: string) => {
      const { studyId } = studyReadyPayload.parse(job.data);
      if (job.name === 'stable-check') {
        const outcome = await execStableCheckJob(studyId, deps);
        if (outcome.kind === 'wait') {
          await job.moveToDelayed(outcome.untilMs, token);
          throw new DelayedError();
        }
        return outcome.kind;
      }
      // Routing is what a clinic waits on after submitting: uploads yield to it (see loopPriority).
      const end = beginInteractive();
      try {
        return (await execRouteJob(studyId, deps)).kind;
      } finally {
        end();
      }
    },
    workerOptions,
  );
  const slaWorker = new Worker<SlaTimerPayload>(
    QUEUES.sla,
    async (job: Job<SlaTimerPayload>, token?: string) => {
      const { studyId, kind } = slaTimerPayload.parse(job.data);
      const outcome = await execSlaTimerJob(studyId, kind, deps);
      if (typeof outcome === 'object') {
        // The deadline moved later while the job waited (a hold ended): fire at the new time.
        await job.moveToDelayed(outcome.dueAtMs, token);
        throw new DelayedError();
      }
      return outcome;
    },
    { ...workerOptions, connection: deps.newRedis() },
  );
  // One sweep at a time per process; the scheduler makes one due every interval across processes.
  const rosterWorker = new Worker<RosterSweepPayload>(
    QUEUES.roster,
    async (job: Job<RosterSweepPayload>) => {
      rosterSweepPayload.parse(job.data);
      const counts = await execRosterSweep(deps);
      if (counts.reassigned + counts.unassigned > 0) logger.info({ counts }, 'roster sweep');
      return counts;
    },
    { ...workerOptions, connection: deps.newRedis(), concurrency: 1 },
  );
  await scheduleRosterSweeps(deps.queues, options.rosterSweepEveryMs);
  for (const worker of [readyWorker, slaWorker, rosterWorker]) {
    worker.on('error', (error) => logger.error({ err: error, queue: worker.name }, 'worker error'));
    worker.on('failed', (job, error) => logger.warn({ err: error, queue: worker.name, jobId: job?.id }, 'job failed'));
  }

  let running: Promise<void> | null = null;
  const reconcileNow = async () => {
    running ??= reconcile(
      deps,
      new Date(),
      options.rosterSweepEveryMs === undefined ? {} : { rosterSweepEveryMs: options.rosterSweepEveryMs },
    )
      .then((counts) => logger.debug({ counts }, 'reconciled jobs with the database'))
      .catch((error: unknown) => logger.error({ err: error }, 'reconciliation failed'))
      .finally(() => {
        running = null;
      });
    await running;
  };
  await reconcileNow();
  const timer = setInterval(() => void reconcileNow(), options.reconcileEveryMs ?? 60_000);
  timer.unref();

  return {
    reconcileNow,
    async stop() {
      clearInterval(timer);
      await Promise.all([readyWorker.close(), slaWorker.close(), rosterWorker.close()]);
      await running;
    },
  };
}
