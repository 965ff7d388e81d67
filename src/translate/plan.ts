/**
 * A plan is the ordered list of outbound calls that carries one source document (a Paperless
 * Parts order, a CableBuilder design) into Cetec. Translation produces it as pure data; `preview`
 * prints it; the engine executes it step by step, checkpointing after each step.
 *
 * Step semantics the engine relies on:
 * - `partrevisiondefinition` replaces the BOM and routing of `body.prcpart`: repeating it is safe.
 * - `importjson` creates a quote and sales order: never repeated while its first outcome is unknown.
 * - `part` sets a part's description with `PUT /api/part`: repeating it is safe.
 * - `current-revision` makes a revision current with `PUT /api/partrevisiondefinition`: repeating it is safe.
 *
 * Plans hold no secrets: the client adds the Cetec token when it sends.
 */
import type { CetecBomNode, CetecImportOrder, CetecPartUpdate, CetecRevisionUpdate } from '../systems/cetec/schemas.ts';

export type PartRevisionDefinitionStep = { kind: 'partrevisiondefinition'; body: CetecBomNode };
export type ImportJsonStep = { kind: 'importjson'; body: CetecImportOrder[] };
/** Sets part facts the definition call has no field for (the description); safe to repeat. */
export type PartStep = { kind: 'part'; body: CetecPartUpdate };
/** Makes a part's revision its current one (older PUT shape, with the same BOM lines); safe to repeat. */
export type CurrentRevisionStep = { kind: 'current-revision'; body: CetecRevisionUpdate };
export type PlanStep = PartRevisionDefinitionStep | ImportJsonStep | PartStep | CurrentRevisionStep;

export type PlanWarning = {
  /** Stable code, e.g. `material.fallback`, `operation.unmapped`. */
  code: string;
  /** Readable sentence naming the order, item and component. */
  message: string;
};

export type Plan = {
  steps: PlanStep[];
  warnings: PlanWarning[];
};

/** Upper-cased top-level part numbers a plan defines: the engine serialises plans sharing one. */
export function topLevelParts(plan: Plan): string[] {
  const parts = new Set<string>();
  for (const step of plan.steps) {
    if (step.kind === 'partrevisiondefinition') parts.add(step.body.prcpart.toUpperCase());
  }
  return [...parts].sort();
}
