import type { Priority } from './priority.js';
import type { SlaPolicy } from './slaPolicy.js';

export interface StudyDeadlines {
  targetAt: Date;
  warningAt: Date;
  deadlineAt: Date;
}

/** The SLA clock starts when the study is complete (ready); all deadlines derive from that instant. */
export function computeDeadline(readyAt: Date, priority: Priority, policy: SlaPolicy): StudyDeadlines {
  const rule = policy[priority];
  const start = readyAt.getTime();
  return {
    targetAt: new Date(start + rule.targetMs),
    warningAt: new Date(start + Math.round(rule.limitMs * rule.warnAt)),
    deadlineAt: new Date(start + rule.limitMs),
  };
}
