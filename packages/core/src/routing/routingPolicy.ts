/** Routing policies by name; `deadline-aware` is the default, the others are kept for comparison. */
export const ROUTING_POLICIES = ['deadline-aware', 'fifo', 'round-robin', 'least-loaded'] as const;
export type RoutingPolicy = (typeof ROUTING_POLICIES)[number];

export const DEFAULT_ROUTING_POLICY: RoutingPolicy = 'deadline-aware';

export function isRoutingPolicy(value: unknown): value is RoutingPolicy {
  return typeof value === 'string' && (ROUTING_POLICIES as readonly string[]).includes(value);
}

/**
 * How a radiologist works through their queue under a policy: `fifo` reads in the order studies were
 * assigned (the baseline it stands for); every other policy reads the most urgent first, as the
 * worklist shows it.
 */
export type ReadingOrder = 'urgency' | 'arrival';

export function readingOrderOf(policy: RoutingPolicy): ReadingOrder {
  return policy === 'fifo' ? 'arrival' : 'urgency';
}
