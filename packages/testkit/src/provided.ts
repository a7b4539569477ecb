import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** PostgreSQL server for tests; each test works in its own schema (see createTestDb). */
    databaseUrl: string;
    /** Redis for tests (`redis://…` or `redis+unix://…`); each test uses its own queue prefix. */
    redisUrl: string;
  }
}

const MISSING =
  'is not provided: run the tests with vitest from the repository root, whose global setup ' +
  '(scripts/test/globalSetup.ts) starts the servers';

/** The PostgreSQL server the global setup started (or TELERAD_TEST_DATABASE_URL). */
export function testDatabaseUrl(): string {
  const url = inject('databaseUrl');
  if (typeof url !== 'string' || url === '') throw new Error(`the test database URL ${MISSING}`);
  return url;
}

/** The Redis server the global setup started (or TELERAD_TEST_REDIS_URL); open it with createRedis. */
export function testRedisUrl(): string {
  const url = inject('redisUrl');
  if (typeof url !== 'string' || url === '') throw new Error(`the test Redis URL ${MISSING}`);
  return url;
}
