/**
 * What every command that works with the store needs: the config (from --config), a logger on
 * stderr, and helpers to print jobs. Kept apart from compose.ts, which builds the running parts.
 */
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { loadConfig, type Config } from '../config/load.ts';
import { createLogger, type Logger } from '../lib/log.ts';
import { redactText } from '../lib/redact.ts';
import type { JobRecord, Store } from '../store/store.ts';

/** A running job's progress for a progress line: `3 of 5 step(s) done`, or what it waits for before it has a plan. */
export async function jobStepsNote(store: Store, jobId: string, before = 'preparing'): Promise<string> {
  const [job, checkpoints] = await Promise.all([store.getJob(jobId), store.getCheckpoints(jobId)]);
  const steps = (job?.plan as { steps?: unknown[] } | null | undefined)?.steps;
  if (!Array.isArray(steps)) return before;
  const done = checkpoints.filter((c) => c.run === job!.run && c.status === 'done').length;
  return `${done} of ${steps.length} step(s) done`;
}

/**
 * What asking for a job's work again (`order`, `design pull`) did to it, for the audit log: a new
 * job, nothing (already done and unchanged), a retry, a replay, or a run of the job as it was.
 */
export function requeueNote(q: { created: boolean; changed?: boolean; state: JobRecord['state'] }, words: { created: string; done: string; changed?: string }): string {
  if (q.created) return words.created;
  if (!q.changed && q.state === 'done') return words.done;
  if (q.state === 'needs-attention' || q.state === 'retrying') return `retried now (was ${q.state})`;
  if (q.state === 'cancelled') return 'replayed (was cancelled)';
  return `run now (was ${q.state}${q.changed ? `, ${words.changed ?? 'changed'}` : ''})`;
}

/** Epoch milliseconds as ISO 8601, or null. */
export const isoOrNull = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** Who acts from the command line, for the audit log: `cli:<OS user>`. */
export function cliActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

export function commandConfig(command: Command): Config {
  return loadConfig({ file: command.optsWithGlobals().config as string | undefined });
}

export function commandLogger(): Logger {
  return createLogger({ level: process.env.SHOPWIRE_LOG_LEVEL ?? 'warn' });
}

/** `MN1234` style numbers and quote numbers from a job result, or null. */
export function describeResult(job: JobRecord): string {
  const result = job.result as { quotes?: unknown; orders?: unknown } | null;
  const quotes = Array.isArray(result?.quotes) ? result.quotes : [];
  const orders = Array.isArray(result?.orders) ? result.orders : [];
  const parts = [quotes.length ? `quote ${quotes.join(', ')}` : '', orders.length ? `sales order ${orders.join(', ')}` : ''].filter(Boolean);
  return parts.join(', ');
}

export function describeJob(job: JobRecord): string {
  const what = job.flow === 'order-export' ? `order ${job.key}` : `design ${job.key}`;
  const head = `${job.id}  ${job.profile}  ${what}  ${job.state}`;
  if (job.state === 'done') return `${head}  ${describeResult(job)}`.trimEnd();
  if (job.lastError) return `${head}  ${redactText(job.lastError.message)}`;
  return head;
}

export function jobJson(job: JobRecord): Record<string, unknown> {
  return {
    id: job.id,
    flow: job.flow,
    profile: job.profile,
    key: job.key,
    state: job.state,
    attempts: job.attempts,
    result: job.result,
    error: job.lastError,
    updatedAt: new Date(job.updatedAt).toISOString(),
  };
}

export function printJson(value: unknown): void {
  process.stdout.write(`${redactText(JSON.stringify(value, null, 2))}\n`);
}

let stdinText: string | null = null;

/**
 * Reads all of stdin once, before a command that was given `-` as a file runs (main.ts calls it),
 * so that `readInputFile('-')` can stay synchronous. A stream read works for pipes, sockets and
 * redirects alike (`readFileSync(0)` fails with EAGAIN on a non-blocking pipe).
 */
export async function preloadStdin(): Promise<void> {
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  stdinText = text;
}

/** The text of a file named on the command line; `-` is stdin. */
export function readInputFile(file: string): string {
  if (file !== '-') return readFileSync(file, 'utf8');
  if (stdinText === null) throw new Error('stdin was not read: main.ts preloads it when a file argument is -');
  return stdinText;
}
