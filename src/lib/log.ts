/**
 * Structured JSON logs (pino). Redaction happens here, in the logger, for every line: known
 * secret values anywhere in the message or its fields, and any field with a secret-looking name.
 * Callers never redact for the logger. Per-job context (job id, correlation id) goes in with
 * `logger.child({ job, correlationId })` and is then on every line that job writes.
 */
import { pino, type Logger, type DestinationStream } from 'pino';
import { REDACTED, redactText } from './redact.ts';

export type { Logger };

export type LoggerOptions = {
  level?: string;
  /** Where lines go; default stderr, so command output on stdout stays clean. */
  destination?: DestinationStream | NodeJS.WritableStream;
  base?: Record<string, unknown>;
};

export function createLogger(options: LoggerOptions = {}): Logger {
  const inner = (options.destination ?? pino.destination({ fd: 2, sync: true })) as DestinationStream;
  // Redaction runs on each finished line, after pino's serializers: walking the raw objects
  // (a request, a socket) would copy whole object graphs, and serializers may add text.
  const destination: DestinationStream = { write: (line: string) => inner.write(redactLine(line)) };
  return pino(
    {
      level: options.level ?? 'info',
      base: options.base ?? { app: 'shopwire' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      serializers: {
        err: serializeError,
        error: serializeError,
      },
    },
    destination,
  );
}

/** Masks a JSON log line: known secret values anywhere, and values of secret-named fields. */
export function redactLine(line: string): string {
  return redactText(line).replace(SECRET_FIELD, (_match, key: string) => `"${key}":"${REDACTED}"`);
}

const SECRET_FIELD = /"((?:[A-Za-z]+[_-])*(?:token|preshared_token|password|passwd|secret|authorization|api[-_]?key|cookie|signature))":"(?:[^"\\]|\\.)*"/gi;

/** A logger that writes nothing (tests, previews). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

function serializeError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const out: Record<string, unknown> = { type: error.name, message: error.message };
  const extra = error as Error & { code?: unknown; kind?: unknown; where?: unknown };
  if (extra.code !== undefined) out.code = extra.code;
  if (extra.kind !== undefined) out.kind = extra.kind;
  if (extra.where !== undefined) out.where = extra.where;
  if (error.stack) out.stack = error.stack;
  return out;
}
