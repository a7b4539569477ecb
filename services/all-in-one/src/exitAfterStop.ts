import type { Logger } from '@telerad/telemetry';

/**
 * Runs `stop` on Ctrl-C or SIGTERM and exits 0 once it has finished. A stop that waits on a Redis or
 * database that has gone away would wait for ever (BullMQ keeps reconnecting), so after `graceMs` the
 * process logs what happened and exits 1, and a supervisor can start it again.
 */
export async function exitAfterStop(stop: () => Promise<void>, logger: Logger, graceMs: number): Promise<never> {
  // A BullMQ object closed before its own start-up finished reports "Connection is closed." as an
  // 'error' event nobody listens to any more, which would end the process with a crash instead of a
  // clean exit. While stopping, that one is expected; anything else still ends the process with 1.
  process.on('uncaughtException', (error) => {
    if (error.message === 'Connection is closed.') {
      logger.debug({ err: error }, 'a Redis connection closed while stopping');
      return;
    }
    logger.error({ err: error }, 'uncaught error while stopping');
    process.exit(1);
  });
  setTimeout(() => {
    logger.error({ graceMs }, 'stopping did not finish in time (is Redis or the database gone?); exiting anyway');
    process.exit(1);
  }, graceMs).unref();
  try {
    await stop();
  } catch (error) {
    logger.error({ err: error }, 'stopping failed');
    process.exit(1);
  }
  process.exit(0);
}
