import { NotFoundError, type Principal, ValidationError } from '@telerad/core';
import type { Database, Study } from '@telerad/db';
import type { Transaction } from 'kysely';
import { assertCanSee } from './tenancy.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function assertStudyId(id: string): void {
  if (!UUID.test(id)) throw new ValidationError(`"${id}" is not a study id (a UUID)`);
}

/** Locks the study row for the rest of the transaction, after checking the caller may see it. */
export async function loadStudyForUpdate(
  trx: Transaction<Database>,
  principal: Principal,
  studyId: string,
): Promise<Study> {
  assertStudyId(studyId);
  const study = await trx.selectFrom('study').selectAll().where('id', '=', studyId).forUpdate().executeTakeFirst();
  if (study === undefined) throw new NotFoundError(`study ${studyId} not found`);
  assertCanSee(principal, study);
  return study;
}
