import type { Priority } from '../api/types';

/** The alliance's published limits in minutes; the server's deadlineAt is what counts, these fill gaps. */
export const LIMIT_MINUTES: Record<Priority, number> = { emergency: 30, outpatient: 60, inpatient: 120 };

export type ClockState = 'ok' | 'warning' | 'overdue';

export interface DeadlineClock {
  state: ClockState;
  /** Seconds left (negative when overdue). */
  remainingSeconds: number;
}

/** Warning when under a quarter of the limit is left; the limit is readyAt → deadlineAt when known. */
export function deadlineClock(
  study: { priority: Priority; readyAt: string | null; deadlineAt: string },
  nowMs: number,
): DeadlineClock {
  const deadline = Date.parse(study.deadlineAt);
  const ready = study.readyAt ? Date.parse(study.readyAt) : Number.NaN;
  const limitMs =
    Number.isFinite(ready) && deadline > ready ? deadline - ready : LIMIT_MINUTES[study.priority] * 60_000;
  const remainingMs = deadline - nowMs;
  const remainingSeconds = remainingMs >= 0 ? Math.floor(remainingMs / 1000) : -Math.ceil(-remainingMs / 1000);
  if (remainingMs < 0) return { state: 'overdue', remainingSeconds };
  return { state: remainingMs < limitMs * 0.25 ? 'warning' : 'ok', remainingSeconds };
}
