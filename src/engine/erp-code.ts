/**
 * The ERP's identity written back into Paperless Parts (reference §5.1: `PATCH orders/public/{n}`
 * with `erp_code`, the one writable field): once an order's sales order exists in Cetec, the order
 * shows its number. The PATCH is idempotent. It is sent when the job is done and again by the
 * re-check of exported orders (order-watch.ts) whenever the order does not show it, so a failed
 * write-back heals on a later pass. It never decides anything: the job is done either way.
 */
import type { JobRecord } from '../store/store.ts';
import { importOutcomeSchema } from './stored-state.ts';

/** `template` with `{salesOrder}`, `{quote}`, `{externalKey}` from a done job's result; null when one it needs is unknown. */
export function erpCodeFor(job: JobRecord, template: string): string | null {
  const imports = ((job.result as { imports?: unknown[] } | null)?.imports ?? []).map((i) => importOutcomeSchema.safeParse(i)).filter((p) => p.success).map((p) => p.data!);
  const values: Record<string, string | undefined> = {
    salesOrder: imports.flatMap((i) => i.orders).map(String)[0],
    quote: imports.flatMap((i) => i.quotes).map(String)[0],
    externalKey: imports.flatMap((i) => i.externalKeys)[0],
  };
  let missing = false;
  const code = template.replace(/\{(salesOrder|quote|externalKey)\}/g, (_, key: string) => {
    const value = values[key];
    if (value === undefined) missing = true;
    return value ?? '';
  });
  return missing || code.trim() === '' ? null : code;
}
