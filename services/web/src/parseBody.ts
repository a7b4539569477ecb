import { ValidationError } from '@telerad/core';
import type { z } from 'zod';

/** Parse, don't validate: a request body becomes a typed value or a 400 naming each problem. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  if (body === undefined)
    throw new ValidationError('request body is missing: send JSON with Content-Type: application/json');
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) =>
      i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message,
    );
    throw new ValidationError(`invalid request body — ${problems.join('; ')}`);
  }
  return parsed.data;
}
