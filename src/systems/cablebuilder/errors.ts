/**
 * CableBuilder's documented exceptions (Technical Guide, the tables of Get, Update and Create
 * Design) and how the hub classifies each (reference 10.1). Classification goes by the exception
 * name in `message` first, the HTTP status second [P-10]: the four "does not exist" 500s of Create
 * are permanent master-data gaps, not outages.
 */
import { ShopwireError, type ErrorKind } from '../../lib/errors.ts';

export type CableBuilderCall = 'getDesign' | 'updateDesign' | 'createDesign';

export type ExceptionRow = { name: string; status: number; error: string };

const row = (name: string, status: number, error: string): ExceptionRow => ({ name, status, error });

/** The guide's exception tables, row for row, in the guide's order. */
export const EXCEPTION_TABLES: Record<CableBuilderCall, readonly ExceptionRow[]> = {
  getDesign: [
    row('RequestBodyNotDefinedException', 400, 'Bad Request'),
    row('JsonException', 400, 'Bad Request'),
    row('DesignNotDefinedException', 400, 'Bad Request'),
    row('DesignDoesNotExistException', 404, 'Not Found'),
    row('Request Not Found', 404, 'Not Found'),
    row('Method Not Allowed', 405, 'Method Not Allowed'),
    row('Exception', 500, 'Internal Server Error'),
  ],
  updateDesign: [
    row('RequestBodyNotDefinedException', 400, 'Bad Request'),
    row('JsonException', 400, 'Bad Request'),
    row('DesignNotDefinedException', 400, 'Bad Request'),
    row('OperationNotDefinedException', 400, 'Bad Request'),
    row('LayerNotDefinedException', 400, 'Bad Request'),
    row('ResourceNotDefinedException', 400, 'Bad Request'),
    row('BomNotDefinedException', 400, 'Bad Request'),
    row('DesignDoesNotExistException', 404, 'Not Found'),
    row('Request Not Found', 404, 'Not Found'),
    row('Method Not Allowed', 405, 'Method Not Allowed'),
    row('Exception', 500, 'Internal Server Error'),
  ],
  createDesign: [
    row('RequestBodyNotDefinedException', 400, 'Bad Request'),
    row('JsonException', 400, 'Bad Request'),
    row('DesignNotDefinedException', 400, 'Bad Request'),
    row('PlantNotDefinedException', 400, 'Bad Request'),
    row('PlantDoesNotExistException', 500, 'Internal Server Error'),
    row('StandardNotDefinedException', 400, 'Bad Request'),
    row('StandardDoesNotExistException', 500, 'Internal Server Error'),
    row('OperationNotDefinedException', 400, 'Bad Request'),
    row('LayerNotDefinedException', 400, 'Bad Request'),
    row('ProcessTypeNotDefinedException', 400, 'Bad Request'),
    row('ProcessTypeDoesNotExistException', 500, 'Internal Server Error'),
    row('ResourceNotDefinedException', 400, 'Bad Request'),
    row('ResourceTypeNotDefinedException', 400, 'Bad Request'),
    row('ResourceTypeDoesNotExistException', 500, 'Internal Server Error'),
    row('BomNotDefinedException', 400, 'Bad Request'),
    row('BomDesignDoesNotExistException', 400, 'Bad Request'),
    row('InvalidDesignCodeException', 400, 'Bad Request'),
    row('DesignExistsException', 409, 'Conflict'),
    row('Request Not Found', 404, 'Not Found'),
    row('Method Not Allowed', 405, 'Method Not Allowed'),
    row('CreateDesignException', 500, 'Internal Server Error'),
    row('Exception', 500, 'Internal Server Error'),
  ],
};

/** Reason phrases the error structure's `error` field uses. */
export const REASON_PHRASES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** How the hub treats each exception name (reference 10.1). */
export function kindOfException(name: string, status: number | null): ErrorKind {
  switch (name) {
    case 'Request Not Found':
      return 'config'; // wrong base URL or context segment [A-05]
    case 'Method Not Allowed':
      return 'internal'; // our bug
    case 'CreateDesignException':
      return 'ambiguous'; // a half-built design may exist
    case 'DesignExistsException':
      return 'data';
    case 'Exception':
      return 'transient';
    default:
      if (name.endsWith('Exception')) return 'data'; // every …NotDefined / …DoesNotExist / Json / InvalidDesignCode
  }
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'config';
  if (status !== null && status >= 500) return 'transient';
  return 'data';
}

export type CableBuilderErrorFacts = {
  call: CableBuilderCall;
  /** HTTP status, or null when no answer came. */
  status: number | null;
  /** Exception name from `message` (`<Name> - <detail>`), or null when the body was not an error structure. */
  exception: string | null;
  /** The detail after ` - `, or the raw message. */
  detail: string;
  /** Redacted answer body (parsed error structure or text excerpt). */
  body?: unknown;
};

/** An answer of CableBuilder in the common error structure (or a non-JSON error status). */
export class CableBuilderError extends ShopwireError {
  readonly call: CableBuilderCall;
  readonly status: number | null;
  readonly exception: string | null;
  readonly detail: string;

  constructor(facts: CableBuilderErrorFacts, options: { where?: string; cause?: unknown; kind?: ErrorKind } = {}) {
    const name = facts.exception ?? `HTTP ${facts.status ?? 'no answer'}`;
    super(`CableBuilder ${facts.call}: ${name}${facts.detail === '' ? '' : ` - ${facts.detail}`}`, {
      code: `cablebuilder.${facts.exception === null ? `http_${facts.status ?? 'none'}` : codeOf(facts.exception)}`,
      kind: options.kind ?? kindOfException(facts.exception ?? '', facts.status),
      ...(options.where === undefined ? {} : { where: options.where }),
      details: { call: facts.call, status: facts.status, exception: facts.exception, ...(facts.body === undefined ? {} : { body: facts.body }) },
      cause: options.cause,
    });
    this.call = facts.call;
    this.status = facts.status;
    this.exception = facts.exception;
    this.detail = facts.detail;
  }

  /** True when repeating the same request cannot help (the request or master data is wrong). */
  get permanent(): boolean {
    return this.kind === 'data' || this.kind === 'config' || this.kind === 'internal';
  }
}

/** A request the client refused to send because it breaks a documented rule (checked before sending). */
export class CableBuilderRequestError extends ShopwireError {
  readonly field: string;
  /** The exception CableBuilder would answer with. */
  readonly exception: string;
  constructor(call: CableBuilderCall, exception: string, field: string, message: string) {
    super(`CableBuilder ${call} not sent: ${field}: ${message} (CableBuilder would answer ${exception})`, {
      code: `cablebuilder.request.${codeOf(exception)}`,
      kind: 'data',
      where: field,
      details: { call, exception, field },
    });
    this.field = field;
    this.exception = exception;
  }
}

/** An answer with status 200 that does not have the documented shape. */
export class CableBuilderAnswerError extends ShopwireError {
  constructor(call: CableBuilderCall, detail: string) {
    super(`CableBuilder ${call}: unexpected answer: ${detail}`, { code: 'cablebuilder.bad_answer', kind: 'ambiguous', details: { call } });
  }
}

/** `DesignNotDefinedException` → `design_not_defined`; `Request Not Found` → `request_not_found`. */
function codeOf(name: string): string {
  return name
    .replace(/Exception$/, '')
    .replace(/\s+/g, '_')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/^$/, 'exception');
}

/** Splits `"<Name> - <detail>"` [A-25]. */
export function splitErrorMessage(message: string): { name: string; detail: string } {
  const at = message.indexOf(' - ');
  if (at < 0) return { name: message.trim(), detail: '' };
  return { name: message.slice(0, at).trim(), detail: message.slice(at + 3) };
}
