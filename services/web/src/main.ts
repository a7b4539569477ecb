import { loadConfig } from '@telerad/config';
import { openRuntime } from '@telerad/runtime';
import { start } from './start.js';

/** Runs the web service alone (HTTP API, DICOMweb, user interfaces). */
const runtime = await openRuntime(loadConfig());
const web = await start(runtime);
runtime.logger.info({ url: web.url }, 'web service listening');
const stop = async () => {
  await web.stop();
  await runtime.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
