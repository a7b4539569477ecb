import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface AuditInput {
  /** `user:<username>`, `clinic:<code>`, `ae:<AE title>` or `system:<service>`. */
  actor: string;
  action: string;
  studyId?: string | null;
  /** Ids and codes only; never patient data or report text. */
  detail?: Record<string, unknown>;
}

export async function recordAudit(db: Kysely<Database>, input: AuditInput): Promise<void> {
  await db
    .insertInto('audit_event')
    .values({
      actor: input.actor,
      action: input.action,
      study_id: input.studyId ?? null,
      detail: JSON.stringify(input.detail ?? {}),
    })
    .execute();
}
