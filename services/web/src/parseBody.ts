import { ValidationError } from '@telerad/core';
import type { z } from 'zod';

/**
 * Parse, don't validate: a request body (or query string) becomes a typed value or a 400 naming
 * each problem.
 */
export function parseBody<T extends z.ZodType>(schema: T, input: unknown, what: 'body' | 'query' = 'body'): z.infer<T> {
  if (input === undefined) {
    throw new ValidationError('request body is missing: send JSON with Content-Type: application/json');
  }
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) =>
      i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message,
    );
    const label = what === 'body' ? 'request body' : 'query parameters';
    throw new ValidationError(`invalid ${label} — ${problems.join('; ')}`);
  }
  return parsed.data;
}
