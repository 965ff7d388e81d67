/**
 * Transfer records: every outbound call of a job, written before it is sent and after it answers,
 * with secrets redacted. A recorder may defer the answers to the job's next commit (context.ts).
 */
import { redactJson, redactText } from '../../lib/redact.ts';
import { RedactedJson } from '../../lib/transfer.ts';
import type { TransferEnd, TransferRecorder, TransferStart } from '../../lib/transfer.ts';
import type { Row } from '../sql/statement.ts';
import { transferStatements } from '../sql/transfers.ts';
import type { RecorderOptions, Store, TransferRecord } from '../store.ts';
import type { CoreContext } from './context.ts';
import { json, num, one } from './rows.ts';

export function transferMethods(ctx: CoreContext): Pick<Store, 'recorderFor' | 'flushJobWrites' | 'listTransfers'> {
  const { db, clock } = ctx;
  const transfers = transferStatements(ctx.dialect);
  return {
    recorderFor(jobId: string, recorderOptions: RecorderOptions = {}): TransferRecorder {
      return {
        async start(t: TransferStart) {
          const insert = transfers.insertTransfer({
            jobId,
            step: t.step ?? null,
            system: t.system,
            endpoint: t.endpoint,
            method: t.method,
            url: redactText(t.url),
            attempt: t.attempt,
            requestBody: t.requestBody === undefined ? null : recordedJson(t.requestBody),
            now: clock(),
            run: recorderOptions.group?.run ?? null,
            execution: recorderOptions.group?.execution ?? null,
          });
          // With the job's pending writes in one commit; alone (no transaction) when there are none.
          const row = ctx.hasPending(jobId) ? await ctx.jobTransaction(jobId, (tx) => one(tx, insert)) : await one(db, insert);
          return String(row!.id);
        },
        async end(id: string, e: TransferEnd) {
          if (id === '') return;
          const end = transfers.endTransfer({
            id,
            status: e.status,
            responseBody: e.responseBody === undefined ? null : recordedJson(e.responseBody),
            durationMs: Math.round(e.durationMs),
            outcome: e.outcome,
            error: e.error === undefined ? null : redactText(e.error),
            now: clock(),
          });
          if (!recorderOptions.deferEnds) {
            await db.run(end);
            return;
          }
          ctx.defer(jobId, async (tx) => {
            await tx.run(end);
          });
        },
      };
    },

    async flushJobWrites(jobId) {
      const writes = ctx.takePending(jobId);
      if (writes !== undefined) await ctx.commitAlone(writes);
    },

    async listTransfers(jobId): Promise<TransferRecord[]> {
      return (await db.all(transfers.selectTransfers(jobId))).map(toTransfer);
    },
  };
}

/** A recorded body as stored: a client's already redacted text gets a second scan only (no copy, no new serialisation). */
function recordedJson(body: unknown): string {
  return body instanceof RedactedJson ? redactText(body.text) : redactJson(body);
}

function toTransfer(r: Row): TransferRecord {
  return {
    id: String(r.id),
    jobId: String(r.job_id),
    correlationId: String(r.correlation_id),
    ...(r.step === null ? {} : { step: Number(r.step) }),
    system: String(r.system) as TransferRecord['system'],
    endpoint: String(r.endpoint),
    method: String(r.method),
    url: String(r.url),
    attempt: Number(r.attempt),
    requestBody: json(r.request_body),
    startedAt: Number(r.started_at),
    endedAt: num(r.ended_at),
    status: num(r.status),
    responseBody: json(r.response_body),
    durationMs: num(r.duration_ms),
    outcome: String(r.outcome) as TransferRecord['outcome'],
    error: r.error === null ? null : String(r.error),
    run: num(r.run),
    execution: num(r.execution),
  };
}
