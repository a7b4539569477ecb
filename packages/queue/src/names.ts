import { z } from 'zod';

/**
 * Queue names and their payloads. Payloads carry ids only: a job loads what it needs from the
 * database, so no patient data ever sits in Redis.
 */
export const QUEUES = {
  /** A study may have become complete: check stability, then hand to the router. */
  studyReady: 'study-ready',
  /** SLA warning and breach timers (delayed jobs). */
  sla: 'sla',
  /** Report delivery to a clinic. */
  delivery: 'delivery',
  /** Roster sweeps: move unopened studies off radiologists who went off duty, off shift or away. */
  roster: 'roster',
  /** Render an instance's thumbnail and large preview after intake. */
  render: 'render',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

const uuid = z.uuid();

export const studyReadyPayload = z
  .object({ studyId: uuid, reason: z.enum(['stable', 'submitted', 'reconcile']) })
  .strict();
export type StudyReadyPayload = z.infer<typeof studyReadyPayload>;

export const slaTimerPayload = z.object({ studyId: uuid, kind: z.enum(['warning', 'breach']) }).strict();
export type SlaTimerPayload = z.infer<typeof slaTimerPayload>;

export const deliveryPayload = z.object({ deliveryId: uuid }).strict();
export type DeliveryPayload = z.infer<typeof deliveryPayload>;

export const rosterSweepPayload = z.object({ reason: z.enum(['schedule', 'roster-changed']) }).strict();
export type RosterSweepPayload = z.infer<typeof rosterSweepPayload>;

export const renderPayload = z.object({ instanceId: uuid }).strict();
export type RenderPayload = z.infer<typeof renderPayload>;

/** Deterministic job ids: a retry or a second process cannot schedule the same thing twice. */
export const jobIds = {
  stable: (studyId: string) => `stable-${studyId}`,
  route: (studyId: string) => `route-${studyId}`,
  slaWarning: (studyId: string) => `sla-warning-${studyId}`,
  slaBreach: (studyId: string) => `sla-breach-${studyId}`,
  delivery: (deliveryId: string) => `delivery-${deliveryId}`,
  render: (instanceId: string) => `render-${instanceId}`,
};
