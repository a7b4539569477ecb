import {
  computeDeadline,
  DEFAULT_ROUTING_POLICY,
  nextStudyStatus,
  PRIORITIES,
  type RosterEntry,
  routeWithRoster,
} from '@telerad/core';
import type { Database, Study } from '@telerad/db';
import { publishStudyEvent, scheduleSlaTimers } from '@telerad/queue';
import { sql, type Transaction } from 'kysely';
import type { RouterDeps } from './deps.js';
import { loadRoster } from './loadRoster.js';
import { minutesOf } from './loadRoutingRoster.js';
import { studyNeedsMany } from './studyNeeds.js';

export type RouteOutcome =
  | { kind: 'assigned'; assignee: string; assigneeId: string; deadlineAt: Date }
  | { kind: 'unassigned'; reason: string; deadlineAt: Date }
  | { kind: 'skipped'; status: string };

/** Ready studies of one hospital decided together under its routing lock (a rush, a backlog). */
export const ROUTE_BATCH = 200;

interface Decided {
  study: Study;
  outcome: Exclude<RouteOutcome, { kind: 'skipped' }> & { targetAt: Date; readyAt: Date };
  warningAt: Date;
}

/**
 * Sets the deadline of a ready study and assigns it to an on-duty radiologist of the clinic's
 * hospital chosen by the deadline-aware policy (the fewest expected breaches once it joins their
 * queue; see docs/routing.md). Idempotent: a study already assigned (by a retry or another router
 * process) is left as it is. Assignments in one hospital are serialised by an advisory lock so two
 * routers never decide on stale loads at once.
 *
 * Under the lock, the job also decides the other ready studies of the hospital still waiting for a
 * decision, most urgent first, with the roster loaded once and each assignment added to the chosen
 * radiologist's queue before the next decision. A rush of studies thus costs a few transactions, not
 * one per study, and their own route jobs, when they run, find them decided and skip.
 */
export async function execRouteJob(studyId: string, deps: RouterDeps): Promise<RouteOutcome> {
  // Most jobs of a rush find their study already decided by another job's batch: say so without
  // queueing for the hospital's lock. (The locked re-read below is what decides.)
  const glance = await deps.db.db
    .selectFrom('study')
    .select(['status', 'assigned_to'])
    .where('id', '=', studyId)
    .executeTakeFirst();
  if (glance === undefined) return { kind: 'skipped', status: 'missing' };
  if (glance.status !== 'ready' || glance.assigned_to !== null) return { kind: 'skipped', status: glance.status };
  const result = await deps.db.db.transaction().execute(async (trx) => {
    const head = await trx.selectFrom('study').select(['hospital_id']).where('id', '=', studyId).executeTakeFirst();
    if (head === undefined) return { own: { kind: 'skipped', status: 'missing' } as RouteOutcome, decided: [] };
    await sql`SELECT pg_advisory_xact_lock(hashtext(${`route:${head.hospital_id}`}))`.execute(trx);
    const study = await trx
      .selectFrom('study')
      .selectAll()
      .where('id', '=', studyId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (study.status !== 'ready' || study.assigned_to !== null) {
      return { own: { kind: 'skipped', status: study.status } as RouteOutcome, decided: [] };
    }
    // Others of the hospital nobody has decided on yet (those waiting with a reason are offered again
    // by the roster sweep when someone becomes available).
    const others = await trx
      .selectFrom('study')
      .selectAll()
      .where('hospital_id', '=', study.hospital_id)
      .where('status', '=', 'ready')
      .where('assigned_to', 'is', null)
      .where('unassigned_reason', 'is', null)
      .where('id', '<>', studyId)
      .orderBy('ready_at')
      .limit(ROUTE_BATCH - 1)
      .forUpdate()
      .skipLocked()
      .execute();
    const decided = await decideAll(trx, deps, [study, ...others]);
    const own = decided.find((d) => d.study.id === studyId)?.outcome;
    return { own: own ?? ({ kind: 'skipped', status: study.status } as RouteOutcome), decided };
  });
  for (const d of result.decided) await announce(deps, d);
  return result.own;
}

/** Most urgent first: emergencies ahead of everything, then the earliest deadline, then first ready. */
function byUrgency(deps: RouterDeps) {
  return (a: Study, b: Study) =>
    PRIORITIES.indexOf(a.priority) - PRIORITIES.indexOf(b.priority) ||
    deadlineOf(deps, a).deadlineAt.getTime() - deadlineOf(deps, b).deadlineAt.getTime() ||
    (a.ready_at?.getTime() ?? 0) - (b.ready_at?.getTime() ?? 0);
}

function deadlineOf(deps: RouterDeps, study: Study) {
  return computeDeadline(study.ready_at ?? new Date(), study.priority, deps.slaPolicy);
}

async function decideAll(trx: Transaction<Database>, deps: RouterDeps, studies: Study[]): Promise<Decided[]> {
  const first = studies[0];
  if (first === undefined) return [];
  const now = new Date();
  // The roster (duty, shift, title, qualification, cap; presence preferred) says who may take it.
  const { entries, residentsMaySign } = await loadRoster(
    trx,
    { hospitalIds: [first.hospital_id] },
    now.getTime(),
    deps.readingMinutes,
  );
  const needs = await studyNeedsMany(trx, studies);
  const decided: Decided[] = [];
  for (const study of [...studies].sort(byUrgency(deps))) {
    const readyAt = study.ready_at ?? now;
    const deadlines = computeDeadline(readyAt, study.priority, deps.slaPolicy);
    const decision = routeWithRoster(
      DEFAULT_ROUTING_POLICY,
      {
        id: study.id,
        priority: study.priority,
        readyAt: readyAt.getTime(),
        deadlineAt: deadlines.deadlineAt.getTime(),
        targetAt: deadlines.targetAt.getTime(),
        ...(needs.get(study.id) ?? { modality: '' }),
      },
      entries,
      now.getTime(),
      { hospitalIds: [study.hospital_id], residentsMaySign },
      { readingMinutes: deps.readingMinutes },
    );
    const deadline = { deadlineAt: deadlines.deadlineAt, readyAt, targetAt: deadlines.targetAt };
    if (decision.assignee === null) {
      decided.push({
        study: { ...study, ready_at: readyAt },
        outcome: { kind: 'unassigned', reason: decision.reason, ...deadline },
        warningAt: deadlines.warningAt,
      });
      continue;
    }
    const entry = entries.find((e) => e.member.id === decision.assignee);
    if (entry !== undefined) joinQueue(entry, study, deadlines.deadlineAt, deps);
    decided.push({
      study: { ...study, ready_at: readyAt },
      outcome: {
        kind: 'assigned',
        assignee: entry?.member.username ?? decision.assignee,
        assigneeId: decision.assignee,
        ...deadline,
      },
      warningAt: deadlines.warningAt,
    });
  }
  await recordDecisions(trx, decided, now);
  return decided;
}

/**
 * Writes a batch of decisions in two statements (one UPDATE over a VALUES list, one multi-row audit
 * INSERT): a rush of hundreds of studies holds the hospital's lock for milliseconds per study, not
 * round trips per study.
 */
async function recordDecisions(trx: Transaction<Database>, decided: readonly Decided[], now: Date): Promise<void> {
  if (decided.length === 0) return;
  const rows = decided.map(({ study, outcome, warningAt }) => {
    const assigned = outcome.kind === 'assigned';
    return sql`(${study.id}::uuid, ${assigned ? nextStudyStatus(study.status, 'assign') : study.status},
      ${assigned ? outcome.assigneeId : null}::uuid, ${assigned ? null : outcome.reason}::text,
      ${study.ready_at}::timestamptz, ${outcome.targetAt}::timestamptz, ${warningAt}::timestamptz,
      ${outcome.deadlineAt}::timestamptz)`;
  });
  await sql`UPDATE study AS s SET
      status = v.status,
      assigned_to = v.assignee,
      assigned_at = CASE WHEN v.assignee IS NULL THEN s.assigned_at ELSE ${now}::timestamptz END,
      unassigned_reason = v.reason,
      ready_at = v.ready_at, target_at = v.target_at, warning_at = v.warning_at, deadline_at = v.deadline_at,
      updated_at = ${now}::timestamptz
    FROM (VALUES ${sql.join(rows)}) AS v(id, status, assignee, reason, ready_at, target_at, warning_at, deadline_at)
    WHERE s.id = v.id`.execute(trx);
  await trx
    .insertInto('audit_event')
    .values(
      decided.map(({ study, outcome }) => ({
        actor: 'system:router',
        action: outcome.kind === 'assigned' ? 'study.assigned' : 'study.unassigned',
        study_id: study.id,
        detail: JSON.stringify(
          outcome.kind === 'assigned' ? { assignee: outcome.assignee } : { reason: outcome.reason },
        ),
      })),
    )
    .execute();
}

/** The assignment as the next decision in the same batch must see it: one more open, queued study. */
function joinQueue(entry: RosterEntry, study: Study, deadlineAt: Date, deps: RouterDeps): void {
  const minutes = minutesOf(study.modalities, deps.readingMinutes);
  entry.member.openCount += 1;
  entry.routing = {
    ...entry.routing,
    queue: [
      ...entry.routing.queue,
      {
        studyId: study.id,
        priority: study.priority,
        deadlineAt: deadlineAt.getTime(),
        expectedMinutes: minutes.mean,
        sdMinutes: minutes.sd,
      },
    ],
  };
}

/** After commit: SLA timers, the live event, the log line. */
async function announce(deps: RouterDeps, { study, outcome, warningAt }: Decided): Promise<void> {
  await scheduleSlaTimers(deps.queues, study.id, { warningAt, deadlineAt: outcome.deadlineAt });
  await publishStudyEvent(deps.redis, deps.config.queuePrefix, {
    type: outcome.kind,
    studyId: study.id,
    hospitalId: study.hospital_id,
    clinicId: study.clinic_id,
    userId: outcome.kind === 'assigned' ? outcome.assigneeId : null,
  });
  deps.logger.info(
    {
      studyId: study.id,
      outcome: outcome.kind,
      ...(outcome.kind === 'assigned' ? { assignee: outcome.assignee } : { reason: outcome.reason }),
    },
    'study routed',
  );
}
