import { type Logger, pino } from 'pino';

export type { Logger } from 'pino';

/**
 * Structured JSON logs: a fixed message plus a data object. Callers log ids (study id, SOP Instance
 * UID), never patient names or report text; the redaction list is a second line of defence.
 */
export function createLogger(options: { level: string; name?: string }): Logger {
  return pino({
    level: options.level,
    name: options.name ?? 'telerad',
    base: { pid: process.pid },
    redact: {
      paths: [
        '*.patientName',
        '*.patientId',
        '*.findings',
        '*.impression',
        '*.password',
        '*.token',
        'req.headers.authorization',
      ],
      censor: '[redacted]',
    },
  });
}
