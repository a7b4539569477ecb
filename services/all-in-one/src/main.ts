import { loadConfig } from '@telerad/config';
import { startAllInOne } from './startAllInOne.js';

/** `./scripts/start.sh` runs this: the whole pipeline in one process on the embedded defaults. */
const config = loadConfig();
const app = await startAllInOne(config);
const { runtime } = app;
const storage = config.s3 === null ? `folder ${config.dataDir}/objects` : `S3 ${config.s3.endPoint}`;
const database = config.databaseUrl === null ? `PGlite in ${config.dataDir}/pglite` : 'PostgreSQL';
const users = runtime.region.users.map((u) => `${u.username} (${u.role})`).join(', ');
process.stdout.write(
  [
    '',
    `telerad is running — 远程阅片平台已启动`,
    `  open        http://localhost:${app.port}/`,
    `  DICOMweb    http://localhost:${app.port}/dicomweb  (STOW-RS: POST /dicomweb/studies?priority=emergency)`,
    `  C-STORE     port ${app.dicomPort}, AE ${runtime.region.aeTitle} (${runtime.region.aeTitle}_STAT for emergencies)`,
    `  region      ${runtime.region.region.name.zh} / ${runtime.region.region.name.en}`,
    `  database    ${database}; objects in ${storage}; data dir ${config.dataDir}`,
    `  logins      ${users}${config.regionFile.endsWith('region.demo.yaml') ? ' — password "demo"' : ''}`,
    '  stop        Ctrl-C',
    '',
  ].join('\n'),
);
let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  runtime.logger.info({ signal }, 'stopping');
  await app.stop();
  process.exit(0);
};
process.once('SIGINT', () => void stop('SIGINT'));
process.once('SIGTERM', () => void stop('SIGTERM'));
