import { availableParallelism } from 'node:os';
import path from 'node:path';
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const envSchema = z.object({
  TELERAD_HTTP_PORT: port.default(8080),
  TELERAD_DICOM_PORT: port.default(11112),
  TELERAD_DATA_DIR: z.string().min(1).default('.data'),
  TELERAD_REGION: z.string().min(1).default('fixtures/region.demo.yaml'),
  TELERAD_STABLE_SECONDS: z.coerce.number().positive().default(60),
  TELERAD_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TELERAD_QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .default('telerad'),
  TELERAD_SESSION_TTL_HOURS: z.coerce.number().positive().default(12),
  /** How long a stop (Ctrl-C, SIGTERM) may take before the process exits anyway. */
  TELERAD_STOP_GRACE_SECONDS: z.coerce.number().positive().default(30),
  TELERAD_MAX_INSTANCE_MB: z.coerce.number().positive().default(512),
  /** Memory for decoded frames kept for re-windowing reduced-size renderings; 0 turns it off. */
  TELERAD_REWINDOW_CACHE_MB: z.coerce.number().min(0).default(256),
  /** Longest a render job waits for intake to go quiet before it renders anyway; 0 = never waits. */
  TELERAD_PREVIEW_DEFER_SECONDS: z.coerce.number().min(0).default(600),
  /** Worker processes of the all-in-one (node:cluster), or `auto` for one per core. */
  TELERAD_WORKERS: z
    .string()
    .trim()
    .regex(/^(auto|[1-9]\d?)$/, 'a whole number of worker processes from 1 to 99, or auto (one per core)')
    .default('1')
    .transform((v) => (v === 'auto' ? availableParallelism() : Number(v))),
  /**
   * Where the all-in-one's C-STORE SCP runs: `separate` (a process of its own at a lower CPU
   * priority) or `inline` (in the process that serves HTTP).
   */
  TELERAD_DICOM_PROCESS: z.enum(['separate', 'inline']).default('separate'),
  /** Delays between webhook attempts, in ms; the default spans more than a day. */
  TELERAD_DELIVERY_RETRY_MS: z
    .string()
    .regex(/^\d+(,\d+)*$/, 'a comma-separated list of milliseconds, e.g. 5000,300000')
    .default('5000,300000,1800000,7200000,18000000,36000000,36000000'),
  /** Browser origins allowed to call /dicomweb directly (a viewer such as OHIF on another host); `*` for any. */
  TELERAD_DICOMWEB_CORS_ORIGINS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((o) => o.trim())
        .filter((o) => o !== ''),
    )
    .pipe(
      z.array(
        z.union([
          z.literal('*'),
          z.string().regex(/^https?:\/\/[^/\s]+$/, 'origins like https://viewer.example:3000, comma-separated, or *'),
        ]),
      ),
    ),
  DATABASE_URL: optionalText,
  DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/, 'a lower-case SQL identifier')
    .optional(),
  REDIS_URL: optionalText,
  S3_ENDPOINT: optionalText.pipe(z.url().optional()),
  S3_ACCESS_KEY: optionalText,
  S3_SECRET_KEY: optionalText,
  S3_BUCKET: z.string().min(3).default('telerad'),
  S3_REGION: z.string().min(1).default('us-east-1'),
});

export interface S3Config {
  endPoint: string;
  port: number;
  useSSL: boolean;
  accessKey: string;
  secretKey: string;
  bucket: string;
  region: string;
}

export interface Config {
  httpPort: number;
  dicomPort: number;
  dataDir: string;
  regionFile: string;
  stableSeconds: number;
  logLevel: z.infer<typeof envSchema>['TELERAD_LOG_LEVEL'];
  queuePrefix: string;
  sessionTtlMs: number;
  /** A stop that has not finished after this long exits anyway (TELERAD_STOP_GRACE_SECONDS). */
  stopGraceMs: number;
  maxInstanceBytes: number;
  /** Bytes of decoded frames the web keeps for re-windowing (TELERAD_REWINDOW_CACHE_MB); 0 = off. */
  rewindowCacheBytes: number;
  /** Longest a render job yields to busy intake (TELERAD_PREVIEW_DEFER_SECONDS); 0 = it never yields. */
  previewDeferMs: number;
  /** Worker processes the all-in-one runs (TELERAD_WORKERS, `auto` resolved to the core count). */
  workers: number;
  /**
   * The all-in-one's C-STORE SCP in a process of its own at a lower CPU priority (`separate`), so a
   * burst of modality sends cannot slow the API, the worklist and the router; or in the process
   * that serves HTTP (`inline`). From TELERAD_DICOM_PROCESS.
   */
  dicomProcess: 'separate' | 'inline';
  deliveryRetryDelaysMs: number[];
  /** Origins whose browser pages may call /dicomweb (CORS); empty = same origin only, `*` = any. */
  dicomwebCorsOrigins: string[];
  /** PostgreSQL connection, or null for embedded PGlite under dataDir. */
  databaseUrl: string | null;
  databaseSchema: string | null;
  /** Redis connection, or null for a project-local redis-server under dataDir. */
  redisUrl: string | null;
  /** S3 object store, or null for a local folder under dataDir. */
  s3: S3Config | null;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = this.constructor.name;
  }
}

/**
 * The one place that reads the environment. Fails fast with a message naming each bad variable.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration — ${problems.join('; ')}`);
  }
  const e = parsed.data;
  const workers = e.TELERAD_WORKERS;
  if (workers > 1 && e.DATABASE_URL === undefined) {
    throw new ConfigError(
      `invalid configuration — TELERAD_WORKERS is ${workers}, and more than one worker process needs ` +
        'PostgreSQL (set DATABASE_URL): the embedded PGlite is a single in-process database; ' +
        'set TELERAD_WORKERS=1 to keep PGlite',
    );
  }
  return {
    httpPort: e.TELERAD_HTTP_PORT,
    dicomPort: e.TELERAD_DICOM_PORT,
    dataDir: path.resolve(e.TELERAD_DATA_DIR),
    regionFile: path.resolve(e.TELERAD_REGION),
    stableSeconds: e.TELERAD_STABLE_SECONDS,
    logLevel: e.TELERAD_LOG_LEVEL,
    queuePrefix: e.TELERAD_QUEUE_PREFIX,
    sessionTtlMs: e.TELERAD_SESSION_TTL_HOURS * 3_600_000,
    stopGraceMs: Math.round(e.TELERAD_STOP_GRACE_SECONDS * 1000),
    maxInstanceBytes: Math.round(e.TELERAD_MAX_INSTANCE_MB * 1024 * 1024),
    rewindowCacheBytes: Math.round(e.TELERAD_REWINDOW_CACHE_MB * 1024 * 1024),
    previewDeferMs: Math.round(e.TELERAD_PREVIEW_DEFER_SECONDS * 1000),
    workers,
    dicomProcess: e.TELERAD_DICOM_PROCESS,
    deliveryRetryDelaysMs: e.TELERAD_DELIVERY_RETRY_MS.split(',').map(Number),
    dicomwebCorsOrigins: e.TELERAD_DICOMWEB_CORS_ORIGINS,
    databaseUrl: e.DATABASE_URL ?? null,
    databaseSchema: e.DATABASE_SCHEMA ?? null,
    redisUrl: e.REDIS_URL ?? null,
    s3: s3Config(e),
  };
}

function s3Config(e: z.infer<typeof envSchema>): S3Config | null {
  if (e.S3_ENDPOINT === undefined) return null;
  if (e.S3_ACCESS_KEY === undefined || e.S3_SECRET_KEY === undefined) {
    throw new ConfigError(
      'invalid configuration — S3_ENDPOINT is set, so S3_ACCESS_KEY and S3_SECRET_KEY are required',
    );
  }
  const url = new URL(e.S3_ENDPOINT);
  const useSSL = url.protocol === 'https:';
  return {
    endPoint: url.hostname,
    port: url.port === '' ? (useSSL ? 443 : 80) : Number(url.port),
    useSSL,
    accessKey: e.S3_ACCESS_KEY,
    secretKey: e.S3_SECRET_KEY,
    bucket: e.S3_BUCKET,
    region: e.S3_REGION,
  };
}
