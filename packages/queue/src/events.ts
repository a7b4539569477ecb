import type { Redis } from 'ioredis';
import { z } from 'zod';

/**
 * Study events fanned out to every process through Redis pub/sub, so a change made by any router or
 * web process reaches the worklists open on every web process at once. Like job payloads, an event
 * carries ids only — never patient data; a page that hears one reloads what it shows. The channel is
 * named after the queue prefix (`config.queuePrefix`), so stacks sharing one Redis do not hear each other.
 */
export function studyEventsChannel(queuePrefix: string): string {
  return `${queuePrefix}:study-events`;
}

export const STUDY_EVENT_TYPES = [
  /** The router gave the study to `userId` (first assignment). */
  'assigned',
  /** The study moved from `previousUserId` to `userId` (warning re-route, off shift, admin). */
  'reassigned',
  /** No eligible radiologist: the study waits, the reason is on the study. */
  'unassigned',
  /** The SLA warning fired for the study. */
  'warning',
  /** The SLA limit passed without a signed report. */
  'breach',
  /** The study escalated to a fallback (upper-level) hospital. */
  'escalated',
  /** Anything else a worklist shows changed: claim, release, late image, priority, hold, resume. */
  'updated',
  /** The final report was signed. */
  'signed',
] as const;
export type StudyEventType = (typeof STUDY_EVENT_TYPES)[number];

export const studyEvent = z
  .object({
    type: z.enum(STUDY_EVENT_TYPES),
    studyId: z.uuid(),
    /** The reading hospital now responsible, and the sending clinic: who may hear the event. */
    hospitalId: z.uuid(),
    clinicId: z.uuid(),
    /** Assignee after the change, if any. */
    userId: z.uuid().nullable().optional(),
    /** Assignee before the change, for reassignments. */
    previousUserId: z.uuid().nullable().optional(),
    at: z.iso.datetime(),
  })
  .strict();
export type StudyEvent = z.infer<typeof studyEvent>;

/** Publishes one event; never throws (a lost live event costs a refresh, not data). */
export async function publishStudyEvent(
  redis: Redis,
  queuePrefix: string,
  event: Omit<StudyEvent, 'at'> & { at?: string },
): Promise<void> {
  const full: StudyEvent = { ...event, at: event.at ?? new Date().toISOString() };
  await redis.publish(studyEventsChannel(queuePrefix), JSON.stringify(studyEvent.parse(full))).catch(() => undefined);
}

/**
 * Subscribes `subscriber` — a connection of its own, which pub/sub takes over — to study events.
 * Malformed messages are dropped. Returns a function that unsubscribes.
 */
export async function subscribeStudyEvents(
  subscriber: Redis,
  queuePrefix: string,
  onEvent: (event: StudyEvent) => void,
): Promise<() => Promise<void>> {
  const channel = studyEventsChannel(queuePrefix);
  const listener = (from: string, message: string) => {
    if (from !== channel) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(message);
    } catch {
      return;
    }
    const event = studyEvent.safeParse(parsed);
    if (event.success) onEvent(event.data);
  };
  subscriber.on('message', listener);
  await subscriber.subscribe(channel);
  return async () => {
    subscriber.off('message', listener);
    await subscriber.unsubscribe(channel).catch(() => undefined);
  };
}
