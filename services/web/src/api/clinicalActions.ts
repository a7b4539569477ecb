import { ConflictError, ForbiddenError, PRIORITIES, type Principal, type Priority } from '@telerad/core';
import { holdStudy, type PriorityRaise, raisePriority, resumeStudy } from '@telerad/router';
import type { Runtime } from '@telerad/runtime';
import { z } from 'zod';
import { assertStudyId } from './loadStudyForUpdate.js';
import { assertCanSee, radiologistOf } from './tenancy.js';

type Deps = Pick<Runtime, 'db' | 'queues' | 'redis' | 'logger' | 'metrics' | 'config' | 'slaPolicy' | 'readingMinutes'>;

export const holdBody = z
  .object({ reason: z.string().trim().min(1, 'say what the clinic should send').max(2000) })
  .strict();
export const resumeBody = z.object({ answer: z.string().trim().min(1, 'the answer is empty').max(2000) }).strict();
export const priorityBody = z.object({ priority: z.enum(PRIORITIES) }).strict();

async function visibleStudy(deps: Deps, principal: Principal, studyId: string) {
  assertStudyId(studyId);
  const study = await deps.db.db
    .selectFrom('study')
    .select(['clinic_id', 'hospital_id', 'escalated_to', 'assigned_to'])
    .where('id', '=', studyId)
    .executeTakeFirst();
  if (study === undefined) return undefined;
  assertCanSee(principal, study);
  return study;
}

/** The clinic that sent the study: its API token or its radiographer. */
function clinicActor(principal: Principal): string {
  if (principal.kind === 'clinic') return `clinic:${principal.clinicCode}`;
  if (principal.role === 'radiographer') return `user:${principal.username}`;
  throw new ForbiddenError('only the sending clinic (its radiographer or API token) can do this');
}

/** POST /api/studies/:id/hold — the assigned radiologist asks the clinic; the SLA clock stops. */
export async function holdAction(deps: Deps, principal: Principal, studyId: string, reason: string) {
  const me = radiologistOf(principal);
  await visibleStudy(deps, principal, studyId);
  if (principal.kind !== 'user') throw new ForbiddenError('only a radiologist can do this');
  await holdStudy(deps, studyId, { userId: me.userId, username: principal.username }, reason);
}

/**
 * POST /api/studies/:id/resume — the clinic answers; the clock runs again, paused time excluded. The
 * radiologist who asked may also withdraw the question (the same call, their note as the answer).
 */
export async function resumeAction(deps: Deps, principal: Principal, studyId: string, answer: string) {
  const study = await visibleStudy(deps, principal, studyId);
  const actor =
    principal.kind === 'user' && principal.role === 'radiologist' && study?.assigned_to === principal.userId
      ? `user:${principal.username}`
      : clinicActor(principal);
  const resumed = await resumeStudy(deps, studyId, { actor, via: 'answer', answer });
  if (resumed === null) throw new ConflictError('the study is not on hold; there is no question to answer');
}

/** POST /api/studies/:id/priority — the clinic raises the priority (never lowers it). */
export async function priorityAction(
  deps: Deps,
  principal: Principal,
  studyId: string,
  priority: Priority,
): Promise<PriorityRaise> {
  const actor = clinicActor(principal);
  await visibleStudy(deps, principal, studyId);
  return raisePriority(deps, studyId, priority, actor);
}
