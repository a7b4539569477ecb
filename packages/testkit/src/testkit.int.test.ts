import { existsSync } from 'node:fs';
import { createRedis } from '@telerad/queue';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from './createTestDb.js';
import { freePort } from './freePort.js';
import { launchChromium } from './launchChromium.js';
import { testRedisUrl } from './provided.js';
import { tempDir } from './tempDir.js';
import { uniqueName } from './uniqueName.js';

describe.each(['postgres', 'pglite'] as const)('createTestDb(%s)', (kind) => {
  let testDb: TestDb | undefined;
  afterEach(async () => {
    await testDb?.drop();
    testDb = undefined;
  });

  it('gives a migrated, empty database that keeps what is written to it', async () => {
    testDb = await createTestDb(kind);
    expect(testDb.kind).toBe(kind);
    const { db } = testDb;
    const hospital = await db
      .insertInto('hospital')
      .values({ code: 'district', name_zh: '县区人民医院', name_en: 'District Hospital' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const row = await db.selectFrom('hospital').selectAll().where('id', '=', hospital.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ code: 'district', name_zh: '县区人民医院' });
    const schemas = await sql<{ schema: string }>`SELECT current_schema() AS schema`.execute(db);
    expect(schemas.rows[0]?.schema).toBe(testDb.schema);
  });

  it('drop() removes everything the test wrote', async () => {
    const first = await createTestDb(kind);
    await first.db.insertInto('hospital').values({ code: 'x', name_zh: '甲', name_en: 'X' }).execute();
    await first.drop();
    await first.drop();
    expect(existsSync(first.dataDir)).toBe(false);
    if (kind === 'postgres') {
      // The schema is gone from the shared server.
      testDb = await createTestDb(kind);
      const found = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM information_schema.schemata WHERE schema_name = ${first.schema}`.execute(
        testDb.db,
      );
      expect(found.rows[0]?.n).toBe(0);
      expect(testDb.schema).not.toBe(first.schema);
    }
  });
});

describe('test Redis', () => {
  it('answers SET and GET', async () => {
    const redis = createRedis(testRedisUrl());
    const key = uniqueName('testkit');
    try {
      await redis.set(key, '急诊', 'EX', 60);
      expect(await redis.get(key)).toBe('急诊');
    } finally {
      await redis.del(key);
      await redis.quit();
    }
  });
});

describe('launchChromium', () => {
  it('renders a page in headless Chromium', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.setContent(
        '<main><h1>远程阅片</h1><button onclick="this.textContent = \'已签发\'">签发</button></main>',
      );
      await page.getByRole('button', { name: '签发' }).click();
      expect(await page.textContent('button')).toBe('已签发');
    } finally {
      await browser.close();
    }
  });
});

describe('helpers', () => {
  it('uniqueName gives distinct names valid as schema, queue prefix and bucket', () => {
    const names = new Set(Array.from({ length: 1000 }, () => uniqueName('Ingest-Queue_1')));
    expect(names.size).toBe(1000);
    for (const name of names) {
      expect(name).toMatch(/^[a-z][a-z0-9]{2,62}$/);
      expect(name.startsWith('ingestqueue1')).toBe(true);
    }
    expect(uniqueName('42')).toMatch(/^t42[a-z0-9]+$/);
  });

  it('tempDir creates and removes a directory', async () => {
    const dir = await tempDir('telerad testkit');
    expect(existsSync(dir.path)).toBe(true);
    await dir.remove();
    await dir.remove();
    expect(existsSync(dir.path)).toBe(false);
  });

  it('freePort gives a port that can be bound', async () => {
    const port = await freePort();
    const { createServer } = await import('node:net');
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    await new Promise((resolve) => server.close(resolve));
    expect(port).toBeGreaterThan(0);
  });
});
