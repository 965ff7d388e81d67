/**
 * Structured JSON logs (pino). Redaction happens here, in the logger, for every line: known
 * secret values anywhere in the message or its fields, and any field with a secret-looking name.
 * Callers never redact for the logger. Per-job context (job id, correlation id) goes in with
 * `logger.child({ job, correlationId })` and is then on every line that job writes.
 */
import { pino, type Logger, type DestinationStream } from 'pino';
import { redactText, redactValue } from './redact.ts';

export type { Logger };

export type LoggerOptions = {
  level?: string;
  /** Where lines go; default stderr, so command output on stdout stays clean. */
  destination?: DestinationStream | NodeJS.WritableStream;
  base?: Record<string, unknown>;
};

export function createLogger(options: LoggerOptions = {}): Logger {
  const destination = options.destination ?? pino.destination({ fd: 2, sync: true });
  return pino(
    {
      level: options.level ?? 'info',
      base: options.base ?? { app: 'shopwire' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (object) => redactValue(object),
      },
      serializers: {
        err: (error: unknown) => redactValue(serializeError(error)),
        error: (error: unknown) => redactValue(serializeError(error)),
      },
      hooks: {
        logMethod(args, method) {
          const cleaned = args.map((arg) => (typeof arg === 'string' ? redactText(arg) : arg));
          method.apply(this, cleaned as Parameters<typeof method>);
        },
      },
    },
    destination as DestinationStream,
  );
}

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
