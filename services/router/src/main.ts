import { loadConfig } from '@telerad/config';
import { openRuntime, startOpsServer } from '@telerad/runtime';
import { start } from './start.js';

/** Runs the router alone: readiness, assignment and SLA timers. */
const runtime = await openRuntime(loadConfig());
const router = await start(runtime);
// /healthz and /metrics on the HTTP port, for the orchestrator and Prometheus.
const ops = await startOpsServer(runtime, runtime.config.httpPort);
runtime.logger.info('router running');
const stop = async () => {
  await ops.stop();
  await router.stop();
  await runtime.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
