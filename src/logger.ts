import { pino, type Logger } from 'pino';

export type { Logger };

// LPA records hold names, dates of birth and addresses. Nothing here logs payloads, and these
// paths are censored anyway in case a future log line carries one by mistake.
const PERSONAL_DATA_PATHS = [
  '*.firstname', '*.middlenames', '*.surname', '*.otherNames', '*.dob', '*.email', '*.addresses',
  '*.firstNames', '*.dateOfBirth', '*.donor', '*.attorneys', '*.variables', 'variables',
  'req.headers.authorization', 'headers.authorization', '*.authorization',
];

/** JSON lines to stdout, or to `destination` (tests read what would have been written). */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'sirius-gateway' },
    redact: { paths: PERSONAL_DATA_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(options, destination) : pino(options);
}
