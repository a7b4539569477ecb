import type { Logger } from '@telerad/telemetry';
import dimse from 'dcmjs-dimse';

const quietLevels = new Set(['trace', 'debug', 'info']);

/**
 * dcmjs-dimse logs through loglevel's root logger, one per process, and by default prints every
 * PDU. Its messages go to our logger instead: its trace/debug/info at debug, its warn/error at warn.
 * Datasets are never logged (logDatasets stays off), so no patient data reaches the log. The last
 * SCP started in a process owns the route.
 */
export function routeDimseLogging(logger: Logger): void {
  const { log } = dimse;
  const child = logger.child({ component: 'dcmjs-dimse' });
  log.methodFactory = (methodName) => {
    const quiet = quietLevels.has(methodName);
    return (...args: unknown[]) => {
      const message = args.map((a) => (a instanceof Error ? a.message : String(a))).join(' ');
      if (quiet) child.debug({ dimse: message }, 'dcmjs-dimse');
      else child.warn({ dimse: message }, 'dcmjs-dimse');
    };
  };
  // Building every PDU's description costs little, but not calling into the logger at all is free.
  log.setLevel(logger.isLevelEnabled('debug') ? 'trace' : 'warn');
}
