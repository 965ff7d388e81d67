/**
 * CableBuilder designs → a Cetec plan: one `partrevisiondefinition` step whose root is the top
 * design, its BOM lines as child nodes and its routing as locations; a BOM line naming a design
 * that is in the input set is expanded as a nested node with that design's own BOM and routing
 * (sub-designs as nested nodes, as the reference's Python integration sends whole trees). A line
 * naming a design outside the set (single-level input, or a material) is a leaf.
 *
 * Pure: no I/O, clock or randomness. Every data problem in every design is collected and thrown
 * together as one DesignTranslationError (kind `data`).
 */
import type { CetecBomNode, CetecRevisionUpdate } from '../../systems/cetec/schemas.ts';
import { MAX_BOM_DEPTH, MAX_BOM_NODES } from '../../systems/cetec/limits.ts';
import { checkPlanBounds } from '../bounds.ts';
import { attributeValue, designKey, type CommonDesign } from '../../systems/cablebuilder/schemas.ts';
import type { Plan, PlanStep, PlanWarning } from '../plan.ts';
import type { DesignTranslationOptions } from './options.ts';
import { ProblemList, DesignTranslationError } from './errors.ts';
import { toPartNumber, toRevision } from './part-number.ts';
import { toBomLines } from './bom.ts';
import { toRouting } from './routing.ts';

export { DesignTranslationError };

export type DesignPartRevision = { design: string; designAlternative: number; version: number | null; prcpart: string; revision_text: string };

/**
 * The top design of a set: the one no other design in the set uses as a component. A Get Design
 * multi-level answer has it last (level 0); a caller may also pass it first. Falls back to the
 * element with level 0, then to the first element.
 */
export function topDesignOf(designs: readonly CommonDesign[], options: DesignTranslationOptions): CommonDesign {
  if (designs.length === 0) throw new DesignTranslationError([{ code: 'empty', where: 'designs', message: 'no design to translate' }]);
  const used = new Set<string>();
  for (const d of designs) {
    for (const op of d.operations ?? []) for (const layer of op.layers ?? []) for (const bom of layer.boms ?? []) {
      const item = bom.attributes?.find((a) => a.name === options.attributes.bomItem)?.value;
      const alt = bom.attributes?.find((a) => a.name === options.attributes.bomDesignAlternative)?.value;
      if (item && alt && /^\d+$/.test(alt.trim())) used.add(designKey(item.trim(), Number(alt.trim())));
    }
  }
  const roots = designs.filter((d) => !used.has(designKey(d.detail.design, d.detail.designAlternative)));
  if (roots.length === 1) return roots[0]!;
  return designs.find((d) => d.detail.level === 0) ?? designs[0]!;
}

/** Part number and revision of a design (what write-back puts into CableBuilder). Throws on bad codes. */
export function toDesignPartRevision(design: CommonDesign, options: DesignTranslationOptions): DesignPartRevision {
  const problems = new ProblemList();
  const where = `design ${designKey(design.detail.design, design.detail.designAlternative)}`;
  const prcpart = toPartNumber(design.detail, options, problems, where);
  const revision_text = toRevision(design.detail, options, problems, where);
  problems.throwIfAny();
  return {
    design: design.detail.design,
    designAlternative: design.detail.designAlternative,
    version: design.detail.version ?? null,
    prcpart: prcpart!,
    revision_text,
  };
}

export function toDesignPlan(designs: readonly CommonDesign[], options: DesignTranslationOptions): Plan {
  const top = topDesignOf(designs, options);
  const byKey = new Map<string, CommonDesign>();
  for (const d of designs) {
    const key = designKey(d.detail.design, d.detail.designAlternative);
    // A multi-level answer has no duplicates [DOC]; if a caller passes some, the first wins.
    if (!byKey.has(key)) byKey.set(key, d);
  }
  const problems = new ProblemList();
  const warnings: PlanWarning[] = [];
  const leafWarned = new Set<string>();
  // Descriptions of the parts defined, in tree order: the definition call has no field for them.
  const descriptions: PlanStep[] = [];
  const described = new Set<string>();
  // Designs of the tree (not leaves) whose revision becomes current, children first.
  const current: PlanStep[] = [];
  const madeCurrent = new Set<string>();
  checkPlants(designs, options, problems);
  // Sub-designs are expanded per use: bound the depth (recursion) and the expanded size.
  let nodes = 0;

  function node(design: CommonDesign, ancestors: readonly string[]): Omit<CetecBomNode, 'qty_per_top' | 'component'> {
    const key = designKey(design.detail.design, design.detail.designAlternative);
    const where = `design ${key}`;
    const prcpart = toPartNumber(design.detail, options, problems, where) ?? design.detail.design.toUpperCase();
    const revision_text = toRevision(design.detail, options, problems, where);
    const children: CetecBomNode[] = [];
    const lines = toBomLines(design, options, problems, where);
    nodes += lines.length;
    if (lines.length > 0 && ancestors.length + 1 >= MAX_BOM_DEPTH) {
      problems.add('bom.too-deep', where, `the BOM tree is more than ${MAX_BOM_DEPTH} levels deep here (${[...ancestors, key].join(' › ')}); shopwire takes at most ${MAX_BOM_DEPTH}`);
      lines.length = 0;
    }
    if (nodes > MAX_BOM_NODES) {
      problems.add('bom.too-large', 'designs', `the BOM tree has more than ${MAX_BOM_NODES} nodes once shared sub-designs are expanded`);
      lines.length = 0;
    }
    for (const line of lines) {
      const childKey = designKey(line.componentDesign, line.componentAlternative);
      if (ancestors.includes(childKey) || childKey === key) {
        problems.add('bom.cycle', line.where, `component ${childKey} contains ${key}: a part may not contain itself`);
        continue;
      }
      const sub = byKey.get(childKey);
      let child: CetecBomNode;
      if (sub !== undefined) {
        child = { ...node(sub, [...ancestors, key]), qty_per_top: line.quantity, component: line.line };
      } else {
        const identity = { design: line.componentDesign, designAlternative: line.componentAlternative, version: null };
        const part = toPartNumber(identity, options, problems, line.where) ?? line.componentDesign.toUpperCase();
        if (!leafWarned.has(childKey) && designs.length > 1) {
          leafWarned.add(childKey);
          warnings.push({ code: 'bom.component-not-in-set', message: `${line.where}: component ${childKey} is not among the designs translated; referenced as part ${part} without its BOM` });
        }
        child = { prcpart: part, revision_text: options.unknownComponentRevision, qty_per_top: line.quantity, component: line.line };
      }
      if (line.pickComments !== undefined) child.pick_comments = line.pickComments;
      if (line.sourcing !== undefined) child.sourcing = line.sourcing;
      children.push(child);
    }
    const locations = toRouting(design, options, problems, ancestors.length === 0 ? warnings : [], where);
    const description = options.attributes.description === null ? null : attributeValue(design.header?.attributes, options.attributes.description)?.trim();
    if (description && !described.has(prcpart)) {
      described.add(prcpart);
      descriptions.push({ kind: 'part', body: { prcpart, description } });
    }
    if (options.currentRevision === 'sent-version' && design.detail.designAlternative === options.primaryAlternative && !madeCurrent.has(prcpart)) {
      madeCurrent.add(prcpart);
      current.push({ kind: 'current-revision', body: currentRevisionBody(prcpart, revision_text, children) });
    }
    return {
      prcpart,
      revision_text,
      ...(children.length > 0 ? { bom_definition: children } : {}),
      ...(locations.length > 0 ? { locations } : {}),
    };
  }

  const root = node(top, []);
  const definition: PlanStep = { kind: 'partrevisiondefinition', body: root };
  // The older PUT that makes a revision current also sets its BOM lines, in a shape without
  // routing, pick comments or sourcing; whether Cetec then keeps those is unknown (cetec.md 9.5),
  // so the definition is sent once more after it: right under either behaviour (it replaces).
  const steps: PlanStep[] = current.length === 0 ? [definition, ...descriptions] : [definition, ...current, definition, ...descriptions];
  // What would reach Cetec, within its bounds (src/systems/cetec/limits.ts).
  for (const problem of checkPlanBounds(steps, warnings)) problems.add(problem.code, problem.where, problem.message);
  problems.throwIfAny();
  for (const d of designs) {
    if (d !== top && !isReachable(top, d, byKey, options)) {
      warnings.push({ code: 'design.unused', message: `design ${designKey(d.detail.design, d.detail.designAlternative)} is not used by the top design ${designKey(top.detail.design, top.detail.designAlternative)}; ignored` });
    }
  }
  return { steps, warnings };
}

function checkPlants(designs: readonly CommonDesign[], options: DesignTranslationOptions, problems: ProblemList): void {
  if (options.plants.length === 0) return;
  for (const d of designs) {
    const plant = d.plant?.plant;
    if (plant !== undefined && plant !== null && !options.plants.includes(plant)) {
      problems.add('plant-unknown', `design ${designKey(d.detail.design, d.detail.designAlternative)} › plant`, `plant ${JSON.stringify(plant)} is not one of the configured plants (${options.plants.join(', ')})`);
    }
  }
}

function isReachable(top: CommonDesign, target: CommonDesign, byKey: Map<string, CommonDesign>, options: DesignTranslationOptions): boolean {
  const goal = designKey(target.detail.design, target.detail.designAlternative);
  const seen = new Set<string>();
  const stack: CommonDesign[] = [top];
  for (let steps = 0; stack.length > 0 && steps < 10_000; steps++) {
    const d = stack.pop()!;
    for (const op of d.operations ?? []) for (const layer of op.layers ?? []) for (const bom of layer.boms ?? []) {
      const item = bom.attributes?.find((a) => a.name === options.attributes.bomItem)?.value?.trim();
      const alt = bom.attributes?.find((a) => a.name === options.attributes.bomDesignAlternative)?.value?.trim();
      if (!item || !alt || !/^\d+$/.test(alt)) continue;
      const key = designKey(item, Number(alt));
      if (key === goal) return true;
      const next = byKey.get(key);
      if (next !== undefined && !seen.has(key)) {
        seen.add(key);
        stack.push(next);
      }
    }
  }
  return false;
}

/** The older-shape body (cetec.md 4.2) that makes `revision` current, carrying the same BOM lines. */
function currentRevisionBody(prcpart: string, revision: string, lines: readonly CetecBomNode[]): CetecRevisionUpdate {
  return {
    prcpart,
    revision: { part: { prcpart }, revision, status: 'Active', current_rev: true },
    bom_definition: lines.map((l) => ({
      prcpart: l.prcpart,
      revision: { revision: l.revision_text, part: { prcpart: l.prcpart } },
      ...(l.component === undefined ? {} : { component: l.component }),
      qty_per_top: l.qty_per_top ?? 1,
    })),
  };
}
