import { routeStudy } from '../routing/routeStudy.js';
import type { RoutingPolicy } from '../routing/routingPolicy.js';
import type { RoutableStudy, RouteDecision, RouteOptions, RoutingRadiologist } from '../routing/types.js';
import { candidatesFor, preferPresent } from './candidatesFor.js';
import { isPresent } from './presence.js';
import type { EligibilityContext, RosterMember } from './rosterMember.js';

/** One radiologist: who they are on the roster, and their queue as the routing policy sees it. */
export interface RosterEntry {
  member: RosterMember;
  routing: RoutingRadiologist;
}

export interface RosterRouteOptions extends RouteOptions {
  /** Only radiologists with the worklist open (used when moving work away from an absent one). */
  presentOnly?: boolean;
}

/**
 * The roster decides who may take the study (hospital, duty, shift, title, qualification, cap), the
 * worklist-open among them are preferred, and the routing policy chooses among those.
 */
export function routeWithRoster(
  policy: RoutingPolicy,
  study: RoutableStudy,
  entries: readonly RosterEntry[],
  now: number,
  context: EligibilityContext,
  options: RosterRouteOptions,
): RouteDecision {
  const needs =
    study.bodyPart === undefined
      ? { modality: study.modality }
      : { modality: study.modality, bodyPart: study.bodyPart };
  const found = candidatesFor(
    entries.map((e) => e.member),
    needs,
    now,
    context,
  );
  if (found.eligible === null) return { assignee: null, reason: found.reason };
  const chosen =
    options.presentOnly === true
      ? found.eligible.filter((m) => isPresent(m.lastSeenAt, now))
      : preferPresent(found.eligible, now);
  if (chosen.length === 0) return { assignee: null, reason: 'no other radiologist has the worklist open' };
  const ids = new Set(chosen.map((m) => m.id));
  // The roster has already applied duty, qualification and cap; the policy only ranks.
  const pool = entries
    .filter((e) => ids.has(e.member.id))
    .map(({ routing }): RoutingRadiologist => {
      const { qualifications: _q, bodyParts: _b, maxOpen: _m, ...rest } = routing;
      return { ...rest, onDuty: true };
    });
  return routeStudy(policy, study, pool, now, options);
}
