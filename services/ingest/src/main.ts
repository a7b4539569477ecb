import { loadConfig } from '@telerad/config';
import { openRuntime, startOpsServer } from '@telerad/runtime';
import { startCStoreScp } from './dimse/index.js';
import { scheduleOrphanSweep } from './sweepOrphanBlobs.js';

/**
 * Runs the ingest service alone: the DICOM C-STORE SCP on TELERAD_DICOM_PORT and the hourly sweep
 * of stored files that no index row points to.
 */
const runtime = await openRuntime(loadConfig());
const scp = await startCStoreScp(runtime, { port: runtime.config.dicomPort });
const stopSweep = scheduleOrphanSweep(runtime);
// /healthz and /metrics on the HTTP port, for the orchestrator and Prometheus.
const ops = await startOpsServer(runtime, runtime.config.httpPort);
runtime.logger.info({ dicomPort: scp.port, httpPort: ops.port }, 'ingest running');
const stop = async () => {
  stopSweep();
  await ops.stop();
  await scp.stop();
  await runtime.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
