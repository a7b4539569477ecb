import { firstFree, leastLoaded, nextInTurn } from './baselinePolicies.js';
import { deadlineAware } from './deadlineAware.js';
import { eligibleFor } from './eligibility.js';
import { toQueued } from './readingTimeFor.js';
import type { RoutingPolicy } from './routingPolicy.js';
import type { RoutableStudy, RouteDecision, RouteOptions, RoutingRadiologist } from './types.js';

/**
 * Chooses who reads a ready study under a named policy. Only radiologists on duty, qualified for the
 * study's modality (and body part) and below their cap are considered; when nobody is, the answer
 * says why. Pure: the caller applies the decision (and, for round-robin, passes the assignee back as
 * `lastAssigneeId` next time).
 */
export function routeStudy(
  policy: RoutingPolicy,
  study: RoutableStudy,
  radiologists: readonly RoutingRadiologist[],
  now: number,
  options: RouteOptions,
): RouteDecision {
  const found = eligibleFor(study, radiologists, now);
  if (found.eligible === null) return { assignee: null, reason: found.reason };
  const queued = toQueued(study, options);
  const choice = choose(policy, queued, found.eligible, radiologists, now, options);
  return { assignee: choice.radiologist.id, projectedFinish: choice.projectedFinish };
}

function choose(
  policy: RoutingPolicy,
  queued: ReturnType<typeof toQueued>,
  eligible: readonly RoutingRadiologist[],
  everyone: readonly RoutingRadiologist[],
  now: number,
  options: RouteOptions,
) {
  switch (policy) {
    case 'deadline-aware':
      return deadlineAware(queued, eligible, now);
    case 'fifo':
      return firstFree(queued, eligible, now);
    case 'round-robin': {
      const previous = everyone.find((r) => r.id === options.lastAssigneeId)?.username ?? null;
      return nextInTurn(queued, eligible, previous, now);
    }
    case 'least-loaded':
      return leastLoaded(queued, eligible, now);
    default: {
      const unknown: never = policy;
      throw new RangeError(`unknown routing policy ${String(unknown)}`);
    }
  }
}
