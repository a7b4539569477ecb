import cluster from 'node:cluster';
import { type Config, ConfigError, loadConfig, type Region } from '@telerad/config';
import { runPrimary, runWorker } from './cluster.js';
import { DICOM_PROCESS_NICENESS } from './dicomProcess.js';
import { exitAfterStop } from './exitAfterStop.js';
import { startAllInOne } from './startAllInOne.js';

/**
 * `./scripts/start.sh` runs this: the whole pipeline on the embedded defaults, in one process, or
 * under a primary (node:cluster) in TELERAD_WORKERS worker processes and, with PostgreSQL, a DICOM
 * process for the C-STORE SCP (TELERAD_DICOM_PROCESS).
 */
let config: Config;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`telerad cannot start: ${error.message}\n`);
  process.exit(2);
}

function banner(region: Region, port: number, dicomPort: number): void {
  const storage = config.s3 === null ? `folder ${config.dataDir}/objects` : `S3 ${config.s3.endPoint}`;
  const database = config.databaseUrl === null ? `PGlite in ${config.dataDir}/pglite` : 'PostgreSQL';
  const users = region.users.map((u) => `${u.username} (${u.role})`).join(', ');
  process.stdout.write(
    [
      '',
      `telerad is running — 远程阅片平台已启动`,
      `  open        http://localhost:${port}/`,
      `  DICOMweb    http://localhost:${port}/dicomweb  (STOW-RS: POST /dicomweb/studies?priority=emergency)`,
      `  C-STORE     port ${dicomPort}, AE ${region.aeTitle} (${region.aeTitle}_STAT for emergencies)`,
      `  region      ${region.region.name.zh} / ${region.region.name.en}`,
      `  database    ${database}; objects in ${storage}; data dir ${config.dataDir}`,
      `  processes   ${processes()}`,
      `  logins      ${users}${config.regionFile.endsWith('region.demo.yaml') ? ' — password "demo"' : ''}`,
      '  stop        Ctrl-C',
      '',
    ].join('\n'),
  );
}

/** With PostgreSQL, a primary runs the workers and the C-STORE process; on PGlite, one process does. */
const underPrimary = config.databaseUrl !== null && (config.workers > 1 || config.dicomProcess === 'separate');

function processes(): string {
  const dicom =
    config.dicomProcess === 'separate' ? `; C-STORE in a process of its own at nice ${DICOM_PROCESS_NICENESS}` : '';
  if (!underPrimary) return dicom === '' ? 'one' : `one for the pipeline${dicom}`;
  return `${config.workers === 1 ? 'one worker' : `${config.workers} workers (TELERAD_WORKERS)`} and a primary${dicom}`;
}

if (cluster.isWorker) {
  await runWorker(config);
} else if (underPrimary) {
  await runPrimary(config, ({ region, port, dicomPort }) => banner(region, port, dicomPort));
} else {
  const app = await startAllInOne(config, { cstore: config.dicomProcess === 'separate' ? 'child' : 'inline' });
  const { runtime } = app;
  banner(runtime.region, app.port, app.dicomPort ?? config.dicomPort);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    runtime.logger.info({ signal }, 'stopping');
    await exitAfterStop(() => app.stop(), runtime.logger, config.stopGraceMs);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}
