import { availableParallelism } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { ConfigError, loadConfig } from './loadConfig.js';

describe('loadConfig', () => {
  test('no configuration means the embedded defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      httpPort: 8080,
      dicomPort: 11112,
      dataDir: path.resolve('.data'),
      databaseUrl: null,
      redisUrl: null,
      s3: null,
      stableSeconds: 60,
    });
    expect(c.deliveryRetryDelaysMs.reduce((a, b) => a + b, 0)).toBeGreaterThan(24 * 3600_000);
  });

  test('worker processes: one by default, a number, or auto for one per core', () => {
    expect(loadConfig({}).workers).toBe(1);
    const pg = { DATABASE_URL: 'postgres://telerad@127.0.0.1/telerad' };
    expect(loadConfig({ ...pg, TELERAD_WORKERS: '4' }).workers).toBe(4);
    expect(loadConfig({ ...pg, TELERAD_WORKERS: 'auto' }).workers).toBe(availableParallelism());
    for (const bad of ['0', 'many', '1.5', '-2']) {
      expect(() => loadConfig({ ...pg, TELERAD_WORKERS: bad })).toThrow(/TELERAD_WORKERS: a whole number/);
    }
  });

  test('the C-STORE SCP: a process of its own by default, or inline; a bad value named', () => {
    expect(loadConfig({}).dicomProcess).toBe('separate');
    expect(loadConfig({ TELERAD_DICOM_PROCESS: 'inline' }).dicomProcess).toBe('inline');
    expect(() => loadConfig({ TELERAD_DICOM_PROCESS: 'apart' })).toThrow(/TELERAD_DICOM_PROCESS/);
  });

  test('the re-window cache: 256 MB by default, any size in MB, 0 for off, a bad value named', () => {
    expect(loadConfig({}).rewindowCacheBytes).toBe(256 * 1024 * 1024);
    expect(loadConfig({ TELERAD_REWINDOW_CACHE_MB: '64' }).rewindowCacheBytes).toBe(64 * 1024 * 1024);
    expect(loadConfig({ TELERAD_REWINDOW_CACHE_MB: '0' }).rewindowCacheBytes).toBe(0);
    expect(() => loadConfig({ TELERAD_REWINDOW_CACHE_MB: '-1' })).toThrow(/TELERAD_REWINDOW_CACHE_MB/);
    expect(() => loadConfig({ TELERAD_REWINDOW_CACHE_MB: 'lots' })).toThrow(/TELERAD_REWINDOW_CACHE_MB/);
  });

  test('render jobs yield to intake for up to 10 minutes by default; 0 never yields; a bad value named', () => {
    expect(loadConfig({}).previewDeferMs).toBe(600_000);
    expect(loadConfig({ TELERAD_PREVIEW_DEFER_SECONDS: '2.5' }).previewDeferMs).toBe(2500);
    expect(loadConfig({ TELERAD_PREVIEW_DEFER_SECONDS: '0' }).previewDeferMs).toBe(0);
    expect(() => loadConfig({ TELERAD_PREVIEW_DEFER_SECONDS: '-1' })).toThrow(/TELERAD_PREVIEW_DEFER_SECONDS/);
  });

  test('more than one worker on the embedded PGlite is refused, naming both settings', () => {
    expect(() => loadConfig({ TELERAD_WORKERS: '2' })).toThrow(ConfigError);
    expect(() => loadConfig({ TELERAD_WORKERS: '2' })).toThrow(
      /TELERAD_WORKERS is 2, and more than one worker process needs PostgreSQL \(set DATABASE_URL\): the embedded PGlite/,
    );
    expect(loadConfig({ TELERAD_WORKERS: '1' }).databaseUrl).toBeNull();
  });

  test('DICOMweb CORS origins: none by default, a list, or any', () => {
    expect(loadConfig({}).dicomwebCorsOrigins).toEqual([]);
    expect(
      loadConfig({ TELERAD_DICOMWEB_CORS_ORIGINS: 'http://localhost:3000, https://viewer.example' })
        .dicomwebCorsOrigins,
    ).toEqual(['http://localhost:3000', 'https://viewer.example']);
    expect(loadConfig({ TELERAD_DICOMWEB_CORS_ORIGINS: '*' }).dicomwebCorsOrigins).toEqual(['*']);
  });

  test('an S3 endpoint becomes a minio client configuration', () => {
    const c = loadConfig({ S3_ENDPOINT: 'http://127.0.0.1:9000', S3_ACCESS_KEY: 'k', S3_SECRET_KEY: 's' });
    expect(c.s3).toEqual({
      endPoint: '127.0.0.1',
      port: 9000,
      useSSL: false,
      accessKey: 'k',
      secretKey: 's',
      bucket: 'telerad',
      region: 'us-east-1',
    });
  });

  test.each([
    [{ TELERAD_HTTP_PORT: 'eighty' }, /TELERAD_HTTP_PORT/],
    [{ TELERAD_DICOM_PORT: '70000' }, /TELERAD_DICOM_PORT/],
    [{ TELERAD_STABLE_SECONDS: '-1' }, /TELERAD_STABLE_SECONDS/],
    [{ TELERAD_DELIVERY_RETRY_MS: '5s,1m' }, /TELERAD_DELIVERY_RETRY_MS/],
    [{ S3_ENDPOINT: 'not a url' }, /S3_ENDPOINT/],
    [{ S3_ENDPOINT: 'http://s3:9000' }, /S3_ACCESS_KEY and S3_SECRET_KEY are required/],
    [{ DATABASE_SCHEMA: 'Robert; DROP' }, /DATABASE_SCHEMA/],
    [{ TELERAD_DICOMWEB_CORS_ORIGINS: 'viewer.example' }, /TELERAD_DICOMWEB_CORS_ORIGINS/],
  ])('%o fails fast naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
