/**
 * The design-import flow: a CableBuilder design set is checked against the receiver's acceptance
 * policy and translated into a plan (`planDesignImport`, pure), the plan's BOM definitions and part
 * updates are executed in order through a Cetec BOM writer, and the ERP facts are written back to
 * CableBuilder with Update Design (`writeBackDesign`). `pullDesign` first fetches all levels with Get
 * Design. Collaborators are ports (structural types). The `design-import` job flow
 * (src/cli/cablebuilder.ts) runs `planDesignImport` and `writeBackDesign` around the engine's plan
 * execution; `importDesigns` and `pullDesign` run the whole flow directly.
 */
import type { CetecBomNode, CetecPartUpdate, CetecRevisionUpdate } from '../systems/cetec/schemas.ts';
import type { Plan } from '../translate/plan.ts';
import type { DesignTranslationOptions } from '../translate/design-to-cetec/options.ts';
import { toDesignPlan, toDesignPartRevision, topDesignOf, type DesignPartRevision } from '../translate/design-to-cetec/plan.ts';
import { DesignTranslationError } from '../translate/design-to-cetec/errors.ts';
import { ShopwireError } from '../lib/errors.ts';
import type { CableBuilderClient, DesignWriteResult } from '../systems/cablebuilder/client.ts';
import { designSchema, describeIssue, type CommonDesign } from '../systems/cablebuilder/schemas.ts';
import { refusalReasons, toWriteBack, type ImportStatus, type ReceiverPolicy } from '../systems/cablebuilder/send-design-contract.ts';

export type CetecBomWriter = {
  defineBom(node: CetecBomNode, ctx?: { step?: number }): Promise<void>;
  updatePart?(body: CetecPartUpdate, ctx?: { step?: number }): Promise<void | { warning?: string }>;
  setCurrentRevision?(body: CetecRevisionUpdate, ctx?: { step?: number }): Promise<void>;
};
export type DesignUpdater = Pick<CableBuilderClient, 'updateDesign'>;

export type DesignImportPlan = { top: CommonDesign; partRevision: DesignPartRevision; plan: Plan };

export type DesignImportResult = {
  design: string;
  designAlternative: number;
  version: number | null;
  prcpart: string;
  revision: string;
  stepsDone: number;
  warnings: string[];
  /** Update Design's answer, when a write-back was configured and sent. */
  writeBack?: DesignWriteResult;
};

/** A design refused by the acceptance policy (S12): data, not retryable. */
export class DesignRefusedError extends ShopwireError {
  readonly reasons: string[];
  constructor(reasons: string[]) {
    super(reasons.join('; '), { code: 'design.refused', kind: 'data', details: { reasons } });
    this.reasons = reasons;
  }
}

/**
 * A design set stored by the receiver (`DesignInboxInput.payload`), read back from the store:
 * stored state is input too, so it is parsed again. Throws a `data` error naming the element.
 */
export function parseStoredDesignPayload(payload: unknown): CommonDesign[] {
  const list = Array.isArray(payload) ? payload : [payload];
  return list.map((element, i) => {
    const parsed = designSchema.safeParse(element);
    if (!parsed.success) {
      throw new ShopwireError(`stored design payload [${i}]: ${describeIssue(parsed.error)}`, { code: 'design.payload-invalid', kind: 'data' });
    }
    return parsed.data;
  });
}

/** Pure: policy check and translation. Throws DesignRefusedError or DesignTranslationError. */
export function planDesignImport(designs: readonly CommonDesign[], translation: DesignTranslationOptions, accept: ReceiverPolicy['accept']): DesignImportPlan {
  const top = topDesignOf(designs, translation);
  const reasons = designs.flatMap((d) => refusalReasons(d, accept));
  if (reasons.length > 0) throw new DesignRefusedError(reasons);
  const plan = toDesignPlan(designs, translation);
  return { top, partRevision: toDesignPartRevision(top, translation), plan };
}

/** Executes the plan's BOM definitions in order (each replaces its part's BOM: safe to repeat). */
export async function executeDesignPlan(plan: Plan, cetec: CetecBomWriter): Promise<number> {
  let done = 0;
  for (const [index, step] of plan.steps.entries()) {
    if (step.kind === 'part') {
      if (cetec.updatePart) await cetec.updatePart(step.body, { step: index });
    } else if (step.kind === 'partrevisiondefinition') {
      await cetec.defineBom(step.body, { step: index });
    } else if (step.kind === 'current-revision') {
      if (!cetec.setCurrentRevision) throw new Error('this Cetec writer cannot set a current revision');
      await cetec.setCurrentRevision(step.body, { step: index });
    } else {
      throw new Error(`design plans hold no ${step.kind} steps`);
    }
    done++;
  }
  return done;
}

/** Update Design with the configured write-back attributes; undefined when none is configured. */
export async function writeBackDesign(
  cablebuilder: DesignUpdater,
  top: CommonDesign,
  facts: { prcpart: string; revision: string; status: ImportStatus },
  policy: ReceiverPolicy,
): Promise<DesignWriteResult | undefined> {
  const update = toWriteBack(top, facts, policy.writeBack);
  return update === null ? undefined : cablebuilder.updateDesign(update);
}

export type ImportDesignsOptions = {
  translation: DesignTranslationOptions;
  policy: ReceiverPolicy;
  cetec: CetecBomWriter;
  /** Given: write ERP facts back with Update Design (pull). Omitted: the caller answers Send Design with them. */
  cablebuilder?: DesignUpdater;
};

export async function importDesigns(designs: readonly CommonDesign[], options: ImportDesignsOptions): Promise<DesignImportResult> {
  const { top, partRevision, plan } = planDesignImport(designs, options.translation, options.policy.accept);
  const stepsDone = await executeDesignPlan(plan, options.cetec);
  const facts = { prcpart: partRevision.prcpart, revision: partRevision.revision_text, status: 'done' as const };
  const writeBack = options.cablebuilder ? await writeBackDesign(options.cablebuilder, top, facts, options.policy) : undefined;
  return {
    design: top.detail.design,
    designAlternative: top.detail.designAlternative,
    version: top.detail.version ?? null,
    prcpart: partRevision.prcpart,
    revision: partRevision.revision_text,
    stepsDone,
    warnings: plan.warnings.map((w) => w.message),
    ...(writeBack ? { writeBack } : {}),
  };
}

/** `shopwire design pull`: Get Design (all levels) → translate → Cetec → Update Design. */
export async function pullDesign(
  input: { design: string; designAlternative: number },
  options: Omit<ImportDesignsOptions, 'cablebuilder'> & { cablebuilder: Pick<CableBuilderClient, 'getDesign' | 'updateDesign'> },
): Promise<DesignImportResult> {
  const designs = await options.cablebuilder.getDesign({ design: input.design, designAlternative: input.designAlternative });
  return importDesigns(designs, options);
}

export { DesignTranslationError };
