/**
 * Errors with stable codes. Every failure that crosses a module boundary is a ShopwireError
 * (or a subclass) so that the engine can decide from `kind` alone what to do with a job:
 *
 * - `data`: the source document or a mapping is wrong; retrying cannot help, a person must act
 *   (job → needs-attention at once).
 * - `transient`: the other system was unavailable or slow; retry with backoff.
 * - `auth`: a token was refused; pause the profile.
 * - `config`: shopwire's own configuration is wrong; pause the profile.
 * - `ambiguous`: a non-idempotent call may or may not have taken effect (answer lost); the
 *   engine must establish the outcome before doing anything else.
 * - `internal`: a bug.
 */
export const ERROR_KINDS = {
  data: 'data',
  transient: 'transient',
  auth: 'auth',
  config: 'config',
  ambiguous: 'ambiguous',
  internal: 'internal',
} as const;
export type ErrorKind = (typeof ERROR_KINDS)[keyof typeof ERROR_KINDS];

export type ShopwireErrorOptions = {
  code: string;
  kind: ErrorKind;
  /** Where in the source the problem is, e.g. `order 179 › item 0 › component 114390 › material`. */
  where?: string;
  /** Extra facts for logs and transfer records. Must not hold secrets (redact first). */
  details?: Record<string, unknown>;
  cause?: unknown;
};

export class ShopwireError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly where: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(message: string, options: ShopwireErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code;
    this.kind = options.kind;
    this.where = options.where;
    this.details = options.details;
  }

  get retryable(): boolean {
    return this.kind === 'transient';
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      kind: this.kind,
      message: this.message,
      ...(this.where === undefined ? {} : { where: this.where }),
      ...(this.details === undefined ? {} : { details: this.details }),
    };
  }
}

/** Turns any thrown value into an Error, keeping the original as `cause`. */
export function coerceError(value: unknown): Error {
  if (value instanceof Error) return value;
  return new Error(typeof value === 'string' ? value : `non-error thrown: ${safeString(value)}`, {
    cause: value,
  });
}

function safeString(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
