/**
 * Stored state is input too: the plan and checkpoint results read back from the store are parsed
 * here (zod) before the engine acts on them. A row edited by hand or written by an older version
 * fails loudly (needs-attention) instead of driving a wrong call to Cetec.
 */
import { z } from 'zod';
import { ShopwireError } from '../lib/errors.ts';
import type { Plan } from '../translate/plan.ts';

const bomStep = z.looseObject({ kind: z.literal('partrevisiondefinition'), body: z.looseObject({ prcpart: z.string().min(1) }) });
const importStep = z.looseObject({
  kind: z.literal('importjson'),
  body: z.array(z.looseObject({ external_key: z.string().min(1) })).min(1),
});
const partStep = z.looseObject({ kind: z.literal('part'), body: z.looseObject({ prcpart: z.string().min(1), description: z.string() }) });
const currentRevisionStep = z.looseObject({
  kind: z.literal('current-revision'),
  body: z.looseObject({ prcpart: z.string().min(1), revision: z.looseObject({ revision: z.string(), current_rev: z.literal(true) }), bom_definition: z.array(z.looseObject({ prcpart: z.string().min(1) })) }),
});
const planSchema = z.looseObject({
  steps: z.array(z.discriminatedUnion('kind', [bomStep, importStep, partStep, currentRevisionStep])),
  warnings: z.array(z.looseObject({ code: z.string(), message: z.string() })).default([]),
});

export const importOutcomeSchema = z.object({
  externalKeys: z.array(z.string()),
  quotes: z.array(z.number().int()),
  orders: z.array(z.number().int()),
  /** False when Cetec confirmed the order exists but did not say its numbers. */
  numbersKnown: z.boolean(),
  note: z.string().optional(),
});
export type ImportOutcome = z.infer<typeof importOutcomeSchema>;

export function parseStoredPlan(value: unknown, jobId: string): Plan {
  const parsed = planSchema.safeParse(value);
  if (!parsed.success) {
    throw new ShopwireError(`job ${jobId}: the stored plan cannot be read (${parsed.error.issues[0]?.message ?? 'invalid'}); replay the job to make a new plan`, {
      code: 'engine.stored_plan_invalid',
      kind: 'internal',
    });
  }
  // The checked fields are the ones the engine relies on; the bodies pass through to Cetec as stored.
  return parsed.data as unknown as Plan;
}

export function parseImportOutcome(value: unknown, jobId: string): ImportOutcome {
  const parsed = importOutcomeSchema.safeParse(value);
  if (!parsed.success) {
    throw new ShopwireError(`job ${jobId}: the stored result of the sales order import cannot be read`, {
      code: 'engine.stored_checkpoint_invalid',
      kind: 'internal',
    });
  }
  return parsed.data;
}
