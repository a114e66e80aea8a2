import { pino, type Logger } from 'pino';

/**
 * Keys that can hold personal data or secrets. Redaction is the last line of defence: code
 * must not put personal data in log fields in the first place.
 */
const REDACT_PATHS = [
  'personalId',
  'applicantPersonalId',
  '*.personalId',
  '*.applicantPersonalId',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'password',
  '*.password',
  'secret',
  '*.secret',
  'token',
  '*.token',
];

export interface LoggerOptions {
  level?: string;
  name?: string;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino({
    name: options.name ?? 'lienthong',
    level: options.level ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: undefined,
  });
}

/** A logger that drops everything, for tests that do not inspect logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

export type { Logger };
