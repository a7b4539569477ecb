import { loadConfig } from '@telerad/config';
import { openRuntime } from '@telerad/runtime';
import { start } from './start.js';

/** Runs report delivery alone. */
const runtime = await openRuntime(loadConfig());
const delivery = await start(runtime);
runtime.logger.info('delivery running');
const stop = async () => {
  await delivery.stop();
  await runtime.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
