import type { Queues } from './createQueues.js';
import { jobIds } from './names.js';

/**
 * Every job telerad schedules goes through these functions, so job ids and options are decided in one
 * place. All are idempotent: a second call for the same study or delivery adds nothing while the first
 * job is still kept.
 */

/** Check, `delayMs` from now, whether a study has gone quiet (no new instance) and is complete. */
export async function scheduleStableCheck(queues: Queues, studyId: string, delayMs: number): Promise<void> {
  await queues.studyReady.add(
    'stable-check',
    { studyId, reason: 'stable' },
    { jobId: jobIds.stable(studyId), delay: Math.max(0, delayMs) },
  );
}

/**
 * Hand a ready study to the router. A finished route job with the same id is removed first: a study
 * left unassigned (nobody on duty) must be routable again when reconciliation asks.
 */
export async function enqueueRoute(
  queues: Queues,
  studyId: string,
  reason: 'stable' | 'submitted' | 'reconcile',
): Promise<void> {
  const jobId = jobIds.route(studyId);
  const previous = await queues.studyReady.getJob(jobId);
  if (previous !== undefined) {
    const state = await previous.getState();
    if (state === 'completed' || state === 'failed') await previous.remove().catch(() => undefined);
  }
  await queues.studyReady.add(
    'route',
    { studyId, reason },
    { jobId, attempts: 5, backoff: { type: 'exponential', delay: 1000 } },
  );
}

/** Warning and breach timers for a study whose deadlines are known. */
export async function scheduleSlaTimers(
  queues: Queues,
  studyId: string,
  at: { warningAt: Date; deadlineAt: Date },
  now: Date = new Date(),
): Promise<void> {
  const options = { attempts: 5, backoff: { type: 'exponential', delay: 1000 } } as const;
  await queues.sla.add(
    'warning',
    { studyId, kind: 'warning' },
    { ...options, jobId: jobIds.slaWarning(studyId), delay: Math.max(0, at.warningAt.getTime() - now.getTime()) },
  );
  await queues.sla.add(
    'breach',
    { studyId, kind: 'breach' },
    { ...options, jobId: jobIds.slaBreach(studyId), delay: Math.max(0, at.deadlineAt.getTime() - now.getTime()) },
  );
}

export type SlaTimerKind = 'warning' | 'breach';

/**
 * Arms the warning and breach timers at the study's current times after they moved (a hold ended,
 * the priority was raised) or may have been lost (reconciliation). Unlike scheduleSlaTimers, a kept
 * job of the same id — finished, failed, or delayed to the old time — is replaced; a job running
 * right now is left to its handler, which re-reads the study and waits again if the time moved.
 * Kinds in `skip` (already recorded for the study) are not armed again.
 */
export async function rearmSlaTimers(
  queues: Queues,
  studyId: string,
  at: { warningAt: Date; deadlineAt: Date },
  options: { skip?: readonly SlaTimerKind[]; now?: Date } = {},
): Promise<SlaTimerKind[]> {
  const now = options.now ?? new Date();
  const armed: SlaTimerKind[] = [];
  const timers: Array<[SlaTimerKind, string, Date]> = [
    ['warning', jobIds.slaWarning(studyId), at.warningAt],
    ['breach', jobIds.slaBreach(studyId), at.deadlineAt],
  ];
  for (const [kind, jobId, dueAt] of timers) {
    if (options.skip?.includes(kind)) continue;
    const existing = await queues.sla.getJob(jobId);
    if (existing !== undefined) {
      const state = await existing.getState();
      if (state === 'active') continue;
      const due = existing.timestamp + (existing.opts.delay ?? 0);
      if ((state === 'delayed' || state === 'waiting') && Math.abs(due - dueAt.getTime()) < 1000) continue;
      await existing.remove().catch(() => undefined);
    }
    await queues.sla.add(
      kind,
      { studyId, kind },
      {
        attempts: 5,
        backoff: { type: 'exponential', delay: 1000 },
        jobId,
        delay: Math.max(0, dueAt.getTime() - now.getTime()),
      },
    );
    armed.push(kind);
  }
  return armed;
}

/**
 * Removes a signed (or held) study's pending timers. A timer already running is left alone: its handler
 * re-reads the study and does nothing for a signed one.
 */
export async function cancelSlaTimers(queues: Queues, studyId: string): Promise<void> {
  for (const id of [jobIds.slaWarning(studyId), jobIds.slaBreach(studyId)]) {
    const job = await queues.sla.getJob(id);
    if (job === undefined) continue;
    const state = await job.getState();
    if (state === 'delayed' || state === 'waiting' || state === 'prioritized') {
      await job.remove().catch(() => undefined);
    }
  }
}

/** Deliver a signed report; retried on the configured schedule (attempt n waits retryDelaysMs[n-1]). */
export async function enqueueDelivery(
  queues: Queues,
  deliveryId: string,
  retryDelaysMs: readonly number[],
): Promise<void> {
  await queues.delivery.add(
    'deliver',
    { deliveryId },
    { jobId: jobIds.delivery(deliveryId), attempts: retryDelaysMs.length + 1, backoff: { type: 'schedule' } },
  );
}

/** The backoff strategy that goes with enqueueDelivery, for the delivery worker's settings. */
export function scheduleBackoff(retryDelaysMs: readonly number[]) {
  return (attemptsMade: number): number =>
    retryDelaysMs[Math.min(attemptsMade - 1, retryDelaysMs.length - 1)] ?? retryDelaysMs.at(-1) ?? 60_000;
}

/**
 * Render an instance's thumbnail and large preview. A render job that finished or failed earlier is
 * removed first, so reconciliation can ask again for an instance still without previews (a job that
 * ran out of attempts while storage was down); a job waiting or running is left as it is.
 */
export async function enqueueRender(queues: Queues, instanceId: string): Promise<void> {
  const jobId = jobIds.render(instanceId);
  const previous = await queues.render.getJob(jobId);
  if (previous !== undefined) {
    const state = await previous.getState();
    if (state === 'completed' || state === 'failed') await previous.remove().catch(() => undefined);
  }
  await queues.render.add(
    'render',
    { instanceId },
    { jobId, attempts: 5, backoff: { type: 'exponential', delay: 2000 } },
  );
}
