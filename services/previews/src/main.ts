import { loadConfig } from '@telerad/config';
import { openRuntime, startOpsServer } from '@telerad/runtime';
import { start } from './start.js';

/** Runs the previews service alone: the render worker, with /healthz and /metrics on the HTTP port. */
const runtime = await openRuntime(loadConfig());
const previews = await start(runtime);
const ops = await startOpsServer(runtime, runtime.config.httpPort);
runtime.logger.info({ httpPort: ops.port }, 'previews running');
const stop = async () => {
  await ops.stop();
  await previews.stop();
  await runtime.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
