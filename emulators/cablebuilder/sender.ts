/**
 * The Send Design driver (reference 11.5): serialise a design's current version, POST it to the
 * ERP endpoint, and handle the answer as CableBuilder does (6.3): a good answer's `update` is
 * applied like an Update Design request, then the version's `uploaded` becomes 2 on success and 1
 * otherwise. No automatic retry [A-48]. Every send goes into the transfer log.
 */
import { designKey, errorResponseSchema, sendDesignResponseSchema, strictDesignSchema } from '../../src/systems/cablebuilder/schemas.ts';
import type { CableBuilderAssumptions } from '../../src/systems/cablebuilder/assumptions.ts';
import { findDesign, serialise, type CableBuilderState, type StoredDesign } from './state.ts';
import { applyUpdate, markUploaded } from './calls.ts';
import { checkDesignDefined } from './checks.ts';

export type SendAuth = { kind: 'header'; name: string; value: string } | { kind: 'basic'; user: string; password: string };
export type SendTarget = { url: string; auth?: SendAuth; timeoutMs?: number };
export type DesignRef = { design: string; designAlternative: number };

export type SendOptions = {
  /** Override the configured target. */
  to?: SendTarget;
  /** `each` (default): one POST per design [A-36]; `array`: one POST whose body is the array. */
  batch?: 'each' | 'array';
};

export type SendAnswer = {
  designs: DesignRef[];
  status: number | null;
  /** Parsed JSON answer, or the raw text when it was not JSON. */
  body: unknown;
  outcome: 'success' | 'rejected' | 'error' | 'skipped';
  error?: string;
  /** What applying the answer's `update` produced (the Update Design answer or its exception). */
  updateResult?: unknown;
};

type Ctx = { state: CableBuilderState; a: CableBuilderAssumptions; now: () => Date };

function headersFor(auth: SendAuth | undefined): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', accept: 'application/json' };
  if (auth?.kind === 'header') headers[auth.name.toLowerCase()] = auth.value;
  if (auth?.kind === 'basic') headers.authorization = `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}`;
  return headers;
}

export async function sendDesigns(ctx: Ctx, refs: DesignRef[], target: SendTarget, options: SendOptions = {}): Promise<SendAnswer[]> {
  const stored: StoredDesign[] = [];
  const answers: SendAnswer[] = [];
  for (const ref of refs) {
    const d = findDesign(ctx.state, ref.design, ref.designAlternative, ctx.a);
    if (d === undefined) throw new Error(`no design ${designKey(ref.design, ref.designAlternative)} in the emulator`);
    const body = serialise(ctx.state, d, 0, 0, ctx.a);
    if (!ctx.a.sendInvalid && body.detail.valid === false) {
      log(ctx, [d], null, body, null, 'skipped');
      answers.push({ designs: [ref], status: null, body: null, outcome: 'skipped', error: 'design is not valid and sendInvalid is off' });
      continue;
    }
    stored.push(d);
  }
  if (options.batch === 'array' && stored.length > 0) {
    answers.push(await sendOne(ctx, stored, target, true));
  } else {
    for (const d of stored) answers.push(await sendOne(ctx, [d], target, false));
  }
  return answers;
}

async function sendOne(ctx: Ctx, designs: StoredDesign[], target: SendTarget, asArray: boolean): Promise<SendAnswer> {
  const bodies = designs.map((d) => serialise(ctx.state, d, 0, 0, ctx.a));
  const requestBody = asArray ? bodies : bodies[0];
  const refs = designs.map((d) => ({ design: d.design, designAlternative: d.designAlternative }));
  let status: number | null = null;
  let text = '';
  try {
    const res = await fetch(target.url, {
      method: 'POST',
      headers: headersFor(target.auth),
      body: JSON.stringify(requestBody),
      signal: AbortSignal.timeout(target.timeoutMs ?? ctx.a.sendTimeoutMs),
    });
    status = res.status;
    text = await res.text();
  } catch (error) {
    for (const d of designs) markUploaded(d, false);
    const message = (error as Error).message;
    log(ctx, designs, status, requestBody, null, 'error', message);
    return { designs: refs, status, body: null, outcome: 'error', error: message };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    for (const d of designs) markUploaded(d, false);
    log(ctx, designs, status, requestBody, text, 'error', 'answer is not JSON');
    return { designs: refs, status, body: text, outcome: 'error', error: 'answer is not JSON' };
  }
  const good = status === 200 ? sendDesignResponseSchema.safeParse(json) : null;
  if (good === null || !good.success) {
    const isError = errorResponseSchema.safeParse(json).success;
    for (const d of designs) markUploaded(d, false);
    const error = isError ? 'ERP answered with an error response' : 'answer is neither a Send Design response nor an error response';
    log(ctx, designs, status, requestBody, json, 'error', error);
    return { designs: refs, status, body: json, outcome: 'error', error };
  }
  // [A-38] Apply `update` before `uploaded` is set, whatever `success` says. Re-read the raw JSON
  // strictly, as Update Design would read it.
  let updateResult: unknown;
  const rawUpdate = (json as { update?: unknown }).update;
  if (rawUpdate !== null && rawUpdate !== undefined) {
    const parsed = strictDesignSchema({ requireValue: true, strict: ctx.a.strictJson }).safeParse(rawUpdate);
    if (!parsed.success) updateResult = { error: `JsonException - ${parsed.error.issues[0]?.message ?? 'invalid update'}` };
    else {
      const notDefined = checkDesignDefined(parsed.data);
      updateResult = notDefined ?? applyUpdate({ state: ctx.state, a: ctx.a, now: ctx.now() }, parsed.data);
    }
  }
  for (const d of designs) markUploaded(d, good.data.success);
  const outcome = good.data.success ? 'success' : 'rejected';
  log(ctx, designs, status, requestBody, json, outcome, undefined, updateResult);
  return { designs: refs, status, body: json, outcome, ...(updateResult === undefined ? {} : { updateResult }) };
}

function log(ctx: Ctx, designs: StoredDesign[], status: number | null, requestBody: unknown, answerBody: unknown, outcome: SendAnswer['outcome'], error?: string, updateResult?: unknown): void {
  const first = designs[0];
  ctx.state.log.push({
    id: ctx.state.log.length + 1,
    time: ctx.now().toISOString(),
    direction: 'out',
    endpoint: 'sendDesign',
    design: first?.design ?? null,
    designAlternative: first?.designAlternative ?? null,
    version: first === undefined ? null : first.versions[first.versions.length - 1]!.version,
    status,
    requestBody,
    answerBody,
    outcome,
    ...(error === undefined ? {} : { error }),
    ...(updateResult === undefined ? {} : { updateResult }),
  });
}
