import { pino, type Logger } from 'pino';

export type { Logger };

// LPA records hold names, dates of birth and addresses. Nothing here logs payloads, and these
// paths are censored anyway in case a future log line carries one by mistake.
const PERSONAL_DATA_PATHS = [
  '*.firstname', '*.middlenames', '*.surname', '*.otherNames', '*.dob', '*.email', '*.addresses',
  '*.firstNames', '*.dateOfBirth', '*.donor', '*.attorneys', '*.variables', 'variables',
  'req.headers.authorization', 'headers.authorization', '*.authorization',
];

/**
 * JSON lines to stdout, or to `destination` (tests read what would have been written; a person's
 * terminal gets `prettyDestination()`). Redaction happens before the destination sees a line, so
 * it is the same whichever destination is given.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'sirius-gateway' },
    redact: { paths: PERSONAL_DATA_PATHS, censor: '[redacted]' },
    timestamp: isoTimeOncePerMillisecond(),
  };
  return destination ? pino(options, destination) : pino(options);
}

/** pino's `isoTime`, formatted once per millisecond: a busy instance writes several lines in one. */
function isoTimeOncePerMillisecond(): () => string {
  let formattedAt = -1;
  let field = '';
  return () => {
    const now = Date.now();
    if (now !== formattedAt) {
      formattedAt = now;
      field = `,"time":"${new Date(now).toISOString()}"`;
    }
    return field;
  };
}

export type LogFormat = 'json' | 'pretty';

/**
 * Pretty lines only for a person: the embedded default with stdout a terminal. Production, a
 * Lambda, a pipe, a file or a container's log collector always get JSON lines (the alarms' metric
 * filters and the tests read them).
 */
export function chooseLogFormat(facts: { embedded: boolean; production: boolean; lambda: boolean; stdoutIsTTY: boolean }): LogFormat {
  return facts.embedded && !facts.production && !facts.lambda && facts.stdoutIsTTY ? 'pretty' : 'json';
}

/**
 * pino-pretty's formatter as a destination: each (already redacted) JSON line is formatted and
 * written at once, so nothing is queued to be lost when the process exits. Loaded on demand, so
 * that nothing but a terminal pays for it. `write` is for tests.
 */
export async function prettyDestination(write: (text: string) => unknown = (text) => process.stdout.write(text)): Promise<pino.DestinationStream> {
  const { prettyFactory } = await import('pino-pretty');
  const pretty = prettyFactory({ translateTime: 'SYS:HH:MM:ss.l', ignore: 'service' });
  return { write: (line: string) => void write(pretty(line)) };
}

/**
 * `logger` without the personal-data redaction, for lines built only from the gateway's own
 * vocabulary and numbers (the access log, EMF lines), never from a payload: the redaction's
 * wildcard paths cost ~25-30 µs a line.
 */
export function withoutRedaction(logger: Logger): Logger {
  return logger.child({}, { redact: { paths: [] } });
}
