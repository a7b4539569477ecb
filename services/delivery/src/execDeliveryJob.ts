import { publishStudyEvent } from '@telerad/queue';
import type { Runtime } from '@telerad/runtime';
import { UnrecoverableError } from 'bullmq';
import { sql } from 'kysely';
import { Webhook } from 'standardwebhooks';
import { buildReportPayload } from './buildReportPayload.js';

export type DeliveryDeps = Pick<Runtime, 'db' | 'redis' | 'config' | 'logger' | 'metrics'>;

export interface AttemptInfo {
  /** 1-based attempt number. */
  attempt: number;
  /** True when no retry follows a failure of this attempt. */
  final: boolean;
}

/** Thrown when the clinic did not take the report; BullMQ retries on the schedule. */
export class DeliveryFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = this.constructor.name;
  }
}

const TIMEOUT_MS = 15_000;

/**
 * Posts a final report to the clinic's webhook as a Standard Webhooks request (webhook-id is the
 * delivery id, so the clinic can drop duplicates of a retried message). Every attempt is recorded.
 */
export async function execDeliveryJob(
  deliveryId: string,
  info: AttemptInfo,
  deps: DeliveryDeps,
): Promise<'delivered' | 'skipped'> {
  const current = await deps.db.db
    .selectFrom('delivery')
    .select(['status'])
    .where('id', '=', deliveryId)
    .executeTakeFirst();
  if (current === undefined || current.status === 'delivered') return 'skipped';
  const payload = await buildReportPayload(deps.db, deliveryId);
  if (payload === null) return 'skipped';
  if (payload.secret === null) throw new UnrecoverableError('clinic has no webhook secret configured');

  const body = JSON.stringify(payload.body);
  const timestamp = new Date();
  const signature = new Webhook(payload.secret).sign(deliveryId, timestamp, body);
  const started = Date.now();
  let httpStatus: number | null = null;
  let error: string | null = null;
  try {
    const response = await fetch(payload.target, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': deliveryId,
        'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
        'webhook-signature': signature,
        'user-agent': 'telerad-delivery/1',
      },
      body,
      signal: AbortSignal.timeout(TIMEOUT_MS),
      redirect: 'error',
    });
    httpStatus = response.status;
    await response.body?.cancel();
    if (!response.ok) error = `clinic answered HTTP ${response.status}`;
  } catch (e) {
    error = describeFetchError(e);
  }
  const durationMs = Date.now() - started;
  const ok = error === null;
  const now = new Date();
  await deps.db.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('delivery_attempt')
      .values({
        delivery_id: deliveryId,
        attempt: info.attempt,
        http_status: httpStatus,
        error,
        duration_ms: durationMs,
      })
      .execute();
    await trx
      .updateTable('delivery')
      .set({
        attempts: sql`attempts + 1`,
        last_attempt_at: now,
        last_error: error,
        status: ok ? 'delivered' : info.final ? 'failed' : 'pending',
        ...(ok ? { delivered_at: now } : {}),
      })
      .where('id', '=', deliveryId)
      .execute();
  });
  deps.metrics.deliveryAttempts.inc({ channel: 'webhook', outcome: ok ? 'delivered' : 'failed' });
  // The clinic's list shows the delivery state: tell it when that changed for good.
  if (ok || info.final) await announceDelivery(deps, deliveryId);
  if (!ok) {
    deps.logger.warn({ deliveryId, attempt: info.attempt, httpStatus, final: info.final }, 'report delivery failed');
    throw new DeliveryFailedError(error ?? 'delivery failed');
  }
  deps.logger.info({ deliveryId, attempt: info.attempt, durationMs }, 'report delivered');
  return 'delivered';
}

async function announceDelivery(deps: DeliveryDeps, deliveryId: string): Promise<void> {
  const study = await deps.db.db
    .selectFrom('delivery as d')
    .innerJoin('study as s', 's.id', 'd.study_id')
    .select(['s.id', 's.hospital_id', 's.clinic_id'])
    .where('d.id', '=', deliveryId)
    .executeTakeFirst();
  if (study === undefined) return;
  await publishStudyEvent(deps.redis, deps.config.queuePrefix, {
    type: 'updated',
    studyId: study.id,
    hospitalId: study.hospital_id,
    clinicId: study.clinic_id,
  });
}

function describeFetchError(e: unknown): string {
  if (e instanceof Error) {
    if (e.name === 'TimeoutError') return `no answer within ${TIMEOUT_MS / 1000} s`;
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    if (cause?.code) return `${cause.code}: ${cause.message ?? e.message}`;
    return e.message;
  }
  return String(e);
}
