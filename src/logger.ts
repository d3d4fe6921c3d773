import { pino, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

/**
 * Structured logs with personal data kept out (DESIGN.md invariant 7): message text, phone numbers, names and
 * tokens are redacted wherever they appear under these keys. Log ids, not content.
 */
export function createLogger(options: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: undefined,
      redact: {
        paths: ['text', '*.text', 'phone', '*.phone', 'from', '*.from', 'to', '*.to', 'name', '*.name', 'email', '*.email', 'token', '*.token', 'headers.authorization', '*.headers.authorization', 'body', '*.body'],
        censor: '[redacted]',
      },
    },
    (options.destination as never) ?? undefined,
  );
}
