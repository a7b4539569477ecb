import { isAvailable, isPresent, type RosterMember } from '@telerad/core';
import { enqueueRoute } from '@telerad/queue';
import type { RouterDeps } from './deps.js';
import { loadRoster } from './loadRoster.js';
import { type ReassignReason, reassignStudy } from './reassignStudy.js';

export interface SweepCounts {
  reassigned: number;
  unassigned: number;
  /** Ready, unassigned studies handed to the route queue again. */
  offered: number;
}

/** Ready, unassigned studies routed again per sweep, most urgent first. */
const ROUTE_BATCH = 200;

/**
 * Nobody holds unopened work they cannot read, and no ready study waits unrouted: runs every 3 s
 * and at once when the roster changes.
 *
 * 1. An assigned, unopened study whose radiologist is off duty or off shift moves to an eligible
 *    colleague, or waits unassigned with the reason.
 * 2. One whose radiologist is on shift but gone (no heartbeat for 45 s) moves to an eligible
 *    colleague who is present, if there is one; otherwise it stays.
 * 3. Ready, unassigned studies are offered to the route queue again (someone may have come on duty,
 *    on shift, or under their cap), as are ready studies a lost route job never decided.
 *
 * Each move is a conditional update under the hospital's routing lock, so several routers sweeping
 * at once never double a study.
 */
export async function execRosterSweep(deps: RouterDeps, nowMs = Date.now()): Promise<SweepCounts> {
  const counts: SweepCounts = { reassigned: 0, unassigned: 0, offered: 0 };
  const db = deps.db.db;
  const unopened = await db
    .selectFrom('study')
    .select(['id', 'assigned_to', 'hospital_id', 'escalated_to'])
    .where('status', '=', 'assigned')
    .where('claimed_at', 'is', null)
    .where('assigned_to', 'is not', null)
    // A study on hold waits for the clinic with the radiologist who asked.
    .where('held_at', 'is', null)
    .orderBy('deadline_at')
    .execute();
  const radiologists = await loadRoster(db, { hospitalIds: await hospitalIds(deps) }, nowMs);
  const byId = new Map(radiologists.entries.map((e) => [e.member.id, e.member]));
  for (const study of unopened) {
    const holder = byId.get(study.assigned_to ?? '');
    if (holder === undefined) continue;
    const reason = reasonToMove(holder, nowMs);
    if (reason === null) continue;
    const pool = study.escalated_to ?? study.hospital_id;
    if (
      reason === 'absent' &&
      !someoneElsePresent(
        radiologists.entries.map((e) => e.member),
        holder,
        pool,
        nowMs,
      )
    ) {
      continue;
    }
    const outcome = await reassignStudy(deps, study.id, {
      from: holder.id,
      reason,
      presentOnly: reason === 'absent',
      unassignIfNone: reason !== 'absent',
    });
    if (outcome.kind === 'reassigned') counts.reassigned++;
    if (outcome.kind === 'unassigned') counts.unassigned++;
  }

  const waiting = await db
    .selectFrom('study')
    .select(['id', 'hospital_id', 'unassigned_reason', 'ready_at'])
    .where('status', '=', 'ready')
    .where('assigned_to', 'is', null)
    .orderBy('deadline_at')
    .orderBy('ready_at')
    .limit(ROUTE_BATCH)
    .execute();
  const staffed = new Set(
    radiologists.entries.filter((e) => isAvailable(e.member, nowMs)).map((e) => e.member.hospitalId),
  );
  for (const study of waiting) {
    // A study nobody decided on yet (its route job lost) is routed whatever the roster; one that
    // waits with a reason only when its hospital has someone available.
    const undecided = study.unassigned_reason === null && (study.ready_at?.getTime() ?? nowMs) < nowMs - 1000;
    if (!undecided && !staffed.has(study.hospital_id)) continue;
    // Through the route queue: a route job still pending is not doubled (deterministic job id).
    await enqueueRoute(deps.queues, study.id, 'reconcile');
    counts.offered++;
  }
  return counts;
}

function reasonToMove(holder: RosterMember, now: number): ReassignReason | null {
  if (!holder.onDuty) return 'off-duty';
  if (!isAvailable(holder, now)) return 'off-shift';
  if (!isPresent(holder.lastSeenAt, now)) return 'absent';
  return null;
}

/** Whether another radiologist of the pool is on duty, on shift and present (cheap pre-check). */
function someoneElsePresent(
  members: readonly RosterMember[],
  holder: RosterMember,
  pool: string,
  now: number,
): boolean {
  return members.some(
    (m) => m.id !== holder.id && m.hospitalId === pool && isAvailable(m, now) && isPresent(m.lastSeenAt, now),
  );
}

async function hospitalIds(deps: RouterDeps): Promise<string[]> {
  return (await deps.db.db.selectFrom('hospital').select('id').execute()).map((h) => h.id);
}
