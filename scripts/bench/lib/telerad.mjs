// Shared by the benchmarks: ports, process memory, and the environment of a telerad child process
// running on its embedded defaults.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** A field of /proc/<pid>/status in kB (VmRSS, VmHWM…), or null. */
export function procStatusKb(pid, field) {
  try {
    const kb = new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? null : Number(kb);
  } catch {
    return null;
  }
}

/**
 * The environment for `node services/all-in-one/dist/main.js` on the embedded defaults (PGlite, a
 * local object folder, its own redis-server) in `dataDir`: any DATABASE_URL, REDIS_URL or S3_* of
 * the caller is removed so the benchmark measures what `./scripts/start.sh` runs.
 */
export function embeddedTeleradEnv({ root, dataDir, httpPort, dicomPort, queuePrefix }) {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key === 'DATABASE_URL' || key === 'DATABASE_SCHEMA' || key === 'REDIS_URL' || key.startsWith('S3_')) {
      delete env[key];
    }
  }
  return Object.assign(env, {
    TELERAD_DATA_DIR: dataDir,
    TELERAD_REGION: path.join(root, 'fixtures/region.demo.yaml'),
    TELERAD_HTTP_PORT: String(httpPort),
    TELERAD_DICOM_PORT: String(dicomPort),
    TELERAD_LOG_LEVEL: 'warn',
    TELERAD_QUEUE_PREFIX: queuePrefix,
    NODE_ENV: 'production',
  });
}

/**
 * Signals a detached child's whole process group (telerad's own redis-server goes too), or the child
 * alone when the group is gone; a child that already exited is left alone.
 */
export function killGroup(child, signal) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {}
  }
}
