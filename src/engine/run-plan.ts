/**
 * Executes a stored plan step by step with durable checkpoints, so that a crash at any point
 * leads neither to a lost nor to a duplicated sales order (docs/engine.md has the argument).
 *
 * For each step: mark it `sent` (durable), call Cetec, mark it `done` with its result. On resume:
 * - `done` steps of this run are skipped;
 * - a `sent` BOM definition is simply sent again: it replaces the same BOM (cetec.md §6.1);
 * - an import that is `sent` or `unknown` is never sent again blindly. Its outcome is established
 *   first, and only with behaviour the tenant was *seen* to have (cetec-tenant.ts, recorded by the
 *   self-test): by the lookup of its external key when the lookup is established; otherwise by
 *   what the tenant does with a reused key: an established `return-existing` or `reject` makes a
 *   resend safe; `allow` and `unknown` (the default until established) do not, and the job then
 *   needs a person, with the first answer shown and what to check in Cetec.
 *
 * An import's checkpoint is keyed by its external keys, not its step index, and survives replays:
 * a replayed or re-planned job finds the sales order an earlier run created.
 */
import { ShopwireError } from '../lib/errors.ts';
import type { TransferRecorder } from '../lib/transfer.ts';
import type { CetecImportOrder, CetecPartUpdate, CetecRevisionUpdate } from '../systems/cetec/schemas.ts';
import type { Plan } from '../translate/plan.ts';
import type { Checkpoint, JobErrorRecord, JobRecord, Store } from '../store/store.ts';
import { IMPORT_IN_FLIGHT_CODE, errorRecord } from './classify.ts';
import { matchesReuseWords } from './cetec-tenant.ts';
import type { CetecTenantBehaviour } from './cetec-tenant.ts';
import type { CetecPort, StepCallContext } from './ports.ts';
import { parseImportOutcome } from './stored-state.ts';
import type { ImportOutcome } from './stored-state.ts';

export type { ImportOutcome };

export type RunPlanInput = {
  store: Store;
  job: JobRecord;
  workerId: string;
  plan: Plan;
  cetec: CetecPort;
  /** What is established about the tenant (never assumed); `UNESTABLISHED` when nothing is. */
  tenant: CetecTenantBehaviour;
  recorder?: TransferRecorder;
  signal?: AbortSignal;
  /** The store's clock (ms): when an earlier import may still be taking effect. Default Date.now. */
  clock?: () => number;
};

export type PlanResult = {
  quotes: number[];
  orders: number[];
  imports: ImportOutcome[];
  steps: number;
  /** What went through but not as asked (a refused description update of an existing part). */
  warnings?: string[];
};

export type RunPlanResult = { state: 'done'; result: PlanResult } | { state: 'needs-attention'; error: JobErrorRecord; result: PlanResult };

/** Thrown by the engine itself when a worker stops or loses its lease mid-plan. */
export class RunAbortedError extends ShopwireError {
  constructor(jobId: string) {
    super(`job ${jobId}: run stopped before the next step`, { code: 'engine.run_aborted', kind: 'transient' });
  }
}

export const DUPLICATE_KEY_CODE = 'cetec.duplicate_external_key';

/** Twice the Cetec client's default 30 s deadline plus 5 s (the client states its own: ports.ts). */
const DEFAULT_IMPORT_SETTLE_MS = 65_000;

/**
 * The lookup found nothing, but the earlier send of this import may still be taking effect: the
 * job waits `retryAfterMs` without using up an attempt (classify.ts) and looks again.
 */
export class ImportMayBeInFlightError extends ShopwireError {
  constructor(job: JobRecord, waitMs: number) {
    super(`Order ${job.key}: the sales order import sent earlier may still be taking effect in Cetec; looking it up again in ${Math.ceil(waitMs / 1000)} s`, {
      code: IMPORT_IN_FLIGHT_CODE,
      kind: 'transient',
      details: { retryAfterMs: waitMs },
    });
  }
}

export function stepKey(plan: Plan, index: number): string {
  const step = plan.steps[index]!;
  if (step.kind === 'partrevisiondefinition') return `${index}:partrevisiondefinition:${step.body.prcpart.toUpperCase()}`;
  if (step.kind === 'part') return `${index}:part:${step.body.prcpart.toUpperCase()}`;
  if (step.kind === 'current-revision') return `${index}:current-revision:${step.body.prcpart.toUpperCase()}`;
  return `importjson:${externalKeys(step.body).join(',')}`;
}

const externalKeys = (orders: CetecImportOrder[]): string[] => orders.map((o) => o.external_key);

export async function runPlan(input: RunPlanInput): Promise<RunPlanResult> {
  const { store, job, workerId, plan, cetec } = input;
  const checkpoints = await store.getCheckpoints(job.id);
  const byKey = new Map<string, Checkpoint>(checkpoints.map((c) => [c.stepKey, c]));
  const imports: ImportOutcome[] = [];
  const warnings: string[] = [];
  const result = (): PlanResult => ({
    quotes: imports.flatMap((i) => i.quotes),
    orders: imports.flatMap((i) => i.orders),
    imports: [...imports],
    steps: plan.steps.length,
    ...(warnings.length === 0 ? {} : { warnings: [...warnings] }),
  });

  for (let index = 0; index < plan.steps.length; index++) {
    if (input.signal?.aborted) throw new RunAbortedError(job.id);
    const step = plan.steps[index]!;
    const key = stepKey(plan, index);
    const at = { key, index };
    const ctx: StepCallContext = {
      step: index,
      ...(input.recorder === undefined ? {} : { recorder: input.recorder }),
      ...(input.signal === undefined ? {} : { signal: input.signal }),
    };
    const cp = byKey.get(key);

    if (step.kind === 'partrevisiondefinition' || step.kind === 'part' || step.kind === 'current-revision') {
      // Both replace what they set (a BOM, a description): safe to repeat after a crash, so only
      // 'done' is recorded (the call's own transfer record shows it was sent), and it rides on the
      // job's next commit (the next call's record, the import's 'sent', the job's end) instead of
      // a commit of its own; a step whose 'done' was lost is simply sent again.
      if (cp !== undefined && cp.run === job.run && cp.status === 'done') {
        const earlier = (cp.result as { warning?: unknown } | null)?.warning;
        if (typeof earlier === 'string') warnings.push(earlier);
        continue;
      }
      let warning: string | undefined;
      if (step.kind === 'partrevisiondefinition') await cetec.defineBom(step.body, ctx);
      else if (step.kind === 'current-revision') await setCurrentRevision(cetec, step.body, ctx);
      else warning = await updatePart(cetec, step.body, ctx);
      if (warning !== undefined) warnings.push(warning);
      await store.markStep(job.id, workerId, at, 'done', warning === undefined ? undefined : { warning }, { deferred: true });
      continue;
    }

    const keys = externalKeys(step.body);
    let outcome: ImportOutcome | JobErrorRecord;
    if (cp?.status === 'done') {
      outcome = parseImportOutcome(cp.result, job.id);
      if (cp.run !== job.run) await store.markStep(job.id, workerId, at, 'done', outcome);
    } else if (cp?.status === 'sent' || cp?.status === 'unknown') {
      outcome = await establish(input, at, cp, step.body, keys, ctx);
    } else {
      outcome = await sendImport(input, at, step.body, keys, ctx);
    }
    if (!('externalKeys' in outcome)) return { state: 'needs-attention', error: outcome, result: result() };
    imports.push(outcome);
  }
  return { state: 'done', result: result() };
}

/** Sets a part's description; a refusal Cetec gave for an existing part comes back as a warning (the design goes on). */
async function updatePart(cetec: RunPlanInput['cetec'], body: CetecPartUpdate, ctx: StepCallContext): Promise<string | undefined> {
  if (cetec.updatePart === undefined) {
    throw new ShopwireError('this Cetec connection cannot set part descriptions (PUT /api/part)', { code: 'engine.no_part_update', kind: 'config' });
  }
  const outcome = await cetec.updatePart(body, ctx);
  return outcome?.warning;
}

async function setCurrentRevision(cetec: RunPlanInput['cetec'], body: CetecRevisionUpdate, ctx: StepCallContext): Promise<void> {
  if (cetec.setCurrentRevision === undefined) {
    throw new ShopwireError('this Cetec connection cannot set a current revision (PUT /api/partrevisiondefinition)', { code: 'engine.no_current_revision', kind: 'config' });
  }
  await cetec.setCurrentRevision(body, ctx);
}

/**
 * Sends the import once. A lost answer marks it `unknown` and rethrows (the next run establishes
 * it). `resend` holds the first attempt's answer when this is a resend that an established tenant
 * behaviour made safe: a refusal that is not the tenant's known answer to a reused key then stops
 * the job for a person (the first attempt may still have created the order).
 */
async function sendImport(
  input: RunPlanInput,
  at: { key: string; index: number },
  orders: CetecImportOrder[],
  keys: string[],
  ctx: StepCallContext,
  resend: string | null = null,
): Promise<ImportOutcome | JobErrorRecord> {
  const { store, job, workerId, cetec } = input;
  await store.markStep(job.id, workerId, at, 'sent', resend === null ? undefined : { firstAnswer: resend });
  let answer: Awaited<ReturnType<CetecPort['importOrders']>>;
  try {
    answer = await cetec.importOrders(orders, ctx);
  } catch (error) {
    if (isReusedKey(error, input.tenant)) {
      // Cetec says the key is taken: the order exists (from an earlier attempt of ours).
      const outcome = await existingOrder(input, keys, ctx);
      await store.markStep(job.id, workerId, at, 'done', outcome);
      return outcome;
    }
    const kind = error instanceof ShopwireError ? error.kind : 'internal';
    if (resend !== null && kind === 'data') {
      const record = errorRecord(error);
      await store.markStep(job.id, workerId, at, 'unknown', { error: record, firstAnswer: resend });
      return mayExist(job, keys, `it was sent again (safe only if the order did not exist) and Cetec refused it: "${record.message}", which is not this tenant's known answer to a reused external key`, resend);
    }
    // Definite failures (refused, never sent) leave nothing in Cetec: the step can be sent again.
    const status = resend !== null || kind === 'ambiguous' || kind === 'internal' ? 'unknown' : 'not-started';
    await store.markStep(job.id, workerId, at, status, { error: errorRecord(error), ...(resend === null ? {} : { firstAnswer: resend }) });
    throw error;
  }
  // Outside the try: Cetec created the order, so a failure to record it must leave the step `sent`
  // (the next run establishes it), never look like a failed import that may be sent again.
  const outcome: ImportOutcome = { externalKeys: keys, quotes: answer.quotes, orders: answer.orders, numbersKnown: true };
  await store.markStep(job.id, workerId, at, 'done', outcome);
  return outcome;
}

/** Cetec's refusal of a reused key: recognised by the client's patterns, or in the words the self-test recorded for this tenant. */
function isReusedKey(error: unknown, tenant: CetecTenantBehaviour): boolean {
  if (!(error instanceof ShopwireError)) return false;
  if (error.code === DUPLICATE_KEY_CODE) return true;
  const said = error.details?.cetecMessage;
  return error.code === 'cetec.rejected' && typeof said === 'string' && matchesReuseWords(tenant.reuseWords, said);
}

/** The order exists in Cetec under these keys; find its numbers if the tenant's lookup is established. */
async function existingOrder(input: RunPlanInput, keys: string[], ctx: StepCallContext): Promise<ImportOutcome> {
  const find = input.tenant.orderLookup ? input.cetec.findOrderByExternalKey : undefined;
  if (find !== undefined) {
    const found = await Promise.all(keys.map((k) => find(k, ctx))).catch(() => null);
    if (found !== null && found.every((f) => f !== null)) {
      return {
        externalKeys: keys,
        quotes: found.flatMap((f) => (f!.quote === null ? [] : [f!.quote])),
        orders: found.flatMap((f) => (f!.order === null ? [] : [f!.order])),
        numbersKnown: true,
      };
    }
  }
  return {
    externalKeys: keys,
    quotes: [],
    orders: [],
    numbersKnown: false,
    note: `Cetec reports that external key ${keys.join(', ')} is already used: the sales order exists, but Cetec did not say its quote and order numbers; look them up in Cetec by that external key.`,
  };
}

/** What the first attempt got back, from its checkpoint, for people. */
function firstAnswerOf(cp: Checkpoint): string {
  const r = cp.result as { error?: { message?: unknown }; firstAnswer?: unknown } | null;
  if (r !== null && typeof r === 'object') {
    if (typeof r.firstAnswer === 'string') return r.firstAnswer;
    if (r.error !== undefined && typeof r.error.message === 'string') return r.error.message;
  }
  return cp.status === 'sent' ? 'none recorded: the hub stopped while the call was in flight' : 'none recorded';
}

async function establish(
  input: RunPlanInput,
  at: { key: string; index: number },
  cp: Checkpoint,
  orders: CetecImportOrder[],
  keys: string[],
  ctx: StepCallContext,
): Promise<ImportOutcome | JobErrorRecord> {
  const { store, job, workerId, cetec, tenant } = input;
  const first = firstAnswerOf(cp);
  const find = cetec.findOrderByExternalKey;
  if (tenant.orderLookup && find !== undefined) {
    const found = await Promise.all(keys.map((k) => find(k, ctx)));
    if (found.every((f) => f !== null)) {
      const outcome: ImportOutcome = {
        externalKeys: keys,
        quotes: found.flatMap((f) => (f!.quote === null ? [] : [f!.quote])),
        orders: found.flatMap((f) => (f!.order === null ? [] : [f!.order])),
        numbersKnown: true,
      };
      await store.markStep(job.id, workerId, at, 'done', outcome);
      return outcome;
    }
    if (found.every((f) => f === null)) {
      // Absent by a lookup this tenant was seen to answer correctly proves absence only once the
      // earlier send can no longer take effect: a hub whose lease ran out may still have the call
      // in flight, and Cetec may finish a request after its caller gave up. Until then, wait
      // (without using up an attempt) and look again.
      const settledAt = cp.updatedAt + (cetec.importSettleMs ?? DEFAULT_IMPORT_SETTLE_MS);
      const now = (input.clock ?? Date.now)();
      if (now < settledAt) throw new ImportMayBeInFlightError(job, settledAt - now);
      // Settled and still absent: sending it now is the first time.
      return sendImport(input, at, orders, keys, ctx);
    }
    return mayExist(job, keys, 'some of its orders were found in Cetec and some were not', first);
  }
  switch (tenant.duplicateExternalKey) {
    case 'return-existing':
    case 'reject':
      // Established in a sandbox: sending the same key again cannot create a second order in this
      // tenant; it either creates the first (the earlier attempt had not) or answers with the existing one.
      return sendImport(input, at, orders, keys, ctx, first);
    case 'allow':
      return mayExist(job, keys, 'this tenant was seen to create a second order for a reused external key, so sending it again could duplicate it', first);
    case 'unknown':
      return mayExist(
        job,
        keys,
        "what this tenant does with a reused external key has not been established (shopwire cetec selftest on a sandbox profile), so it is not sent again",
        first,
      );
  }
}

function mayExist(job: JobRecord, keys: string[], why: string, first: string): JobErrorRecord {
  return {
    code: 'engine.import_outcome_unknown',
    kind: 'ambiguous',
    message:
      `Order ${job.key}: the sales order import was sent but its outcome is unknown, so the order may exist in Cetec; ${why}. ` +
      `First answer: ${first}. ` +
      `Check Cetec for a quote or sales order with external key ${keys.join(', ')}, then tell shopwire what you found ` +
      `(resolve the import as created, with its numbers, or as not created); the job then finishes or sends it once.`,
    where: `order ${job.key}`,
  };
}
