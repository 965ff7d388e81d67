/**
 * A transfer is one outbound call to another system, recorded before it is sent and again when
 * it answers (or fails). Clients call a TransferRecorder; the store implements it durably; the
 * dashboard and `shopwire status` read the records. Everything handed to a recorder is already
 * redacted by the client (lib/redact.ts).
 */
export type TransferSystem = 'paperless' | 'cetec' | 'cablebuilder';

const SYSTEM_NAMES: Record<TransferSystem, string> = { paperless: 'Paperless Parts', cetec: 'Cetec', cablebuilder: 'CableBuilder' };

/** An outside system's name for people (`Paperless Parts`); an unknown one as given. */
export const systemName = (system: string): string => SYSTEM_NAMES[system as TransferSystem] ?? system;

export type TransferStart = {
  system: TransferSystem;
  /** Logical endpoint, e.g. `partrevisiondefinition`, `importjson`, `orders.get`. */
  endpoint: string;
  method: string;
  /** URL with credentials removed. */
  url: string;
  requestBody: unknown;
  /** Plan step index when the call executes a plan step. */
  step?: number;
  attempt: number;
};

export type TransferEnd = {
  /** HTTP status, or null when no answer arrived (timeout, reset). */
  status: number | null;
  responseBody: unknown;
  durationMs: number;
  /** Short, redacted description of a failure. */
  error?: string;
  /** `ok`, `failed` (definitive), or `unknown` (the call may have taken effect). */
  outcome: 'ok' | 'failed' | 'unknown';
};

/**
 * A JSON body the client has already redacted and serialised (`redactJson`), handed to recorders
 * as is: the store writes its text without copying or serialising the document again (an order
 * fetched from Paperless Parts is tens to hundreds of kB). `toJSON` makes it serialise like the
 * document itself wherever else it goes.
 */
export class RedactedJson {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
  toJSON(): unknown {
    return JSON.parse(this.text) as unknown;
  }
}

export interface TransferRecorder {
  /** Records the call as about to be sent; returns an id for `end`. Must be durable on return. */
  start(transfer: TransferStart): Promise<string> | string;
  end(id: string, result: TransferEnd): Promise<void> | void;
}

/** A recorder that keeps nothing, for previews and one-off commands without a store. */
export const nullRecorder: TransferRecorder = {
  start: () => '',
  end: () => {},
};
