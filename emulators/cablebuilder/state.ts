/**
 * The emulated CableBuilder's data (reference 11.2): catalogues (plants, standards, process types,
 * resource types), attribute definitions per scope, designs keyed by (design, designAlternative)
 * with versions, and the transfer log. Also how a stored design is serialised into the common
 * design structure (mapped content only, 3.6) and the multi-level walk of Get Design (7.4).
 */
import type { CommonDesign, Attribute } from '../../src/systems/cablebuilder/schemas.ts';
import { designKey } from '../../src/systems/cablebuilder/schemas.ts';
import type { CableBuilderAssumptions, ValidityCheck } from '../../src/systems/cablebuilder/assumptions.ts';

export type Scope = 'header' | 'plant' | 'operation' | 'resource' | 'layer' | 'bom';

export type AttributeDefinition = {
  scope: Scope;
  name: string;
  description: string;
  type: string;
  uom: string;
  /** In the ERP mapping: sent by Send Design and Get Design. */
  mapped: boolean;
  /** Read-only on an active design when Active Design Alternatives is on [DOC-AD]. */
  primary?: boolean;
  /** Has a formula: a value set through the API is locked against recalculation. */
  formula?: boolean;
};

export type StoredAttribute = { name: string; value: string; locked?: boolean };
export type StoredBom = { position: number; attributes: StoredAttribute[] };
export type StoredLayer = { layer: number; processName: string; attributes: StoredAttribute[]; boms: StoredBom[] };
export type StoredResource = { resource: number; resourceName: string; attributes: StoredAttribute[] };
export type StoredOperation = { operation: number; attributes: StoredAttribute[]; resources: StoredResource[]; layers: StoredLayer[] };

export type StoredVersion = {
  version: number;
  /** 0 never sent, 1 last send failed, 2 in ERP. */
  uploaded: 0 | 1 | 2;
  approved: boolean;
  validationFormulaResult: string;
  createdBy: string;
  createDateTime: string;
};

export type StoredDesign = {
  design: string;
  designAlternative: number;
  plant: { plant: string; attributes: StoredAttribute[] };
  header: StoredAttribute[];
  operations: StoredOperation[];
  versions: StoredVersion[];
  lastUpdatedBy: string;
  lastUpdateDateTime: string;
};

export type TransferLogEntry = {
  id: number;
  time: string;
  direction: 'in' | 'out';
  endpoint: string;
  design: string | null;
  designAlternative: number | null;
  version: number | null;
  status: number | null;
  requestBody: unknown;
  answerBody: unknown;
  outcome: 'success' | 'rejected' | 'error' | 'skipped';
  error?: string;
  /** Sends only: the result of applying the answer's `update`. */
  updateResult?: unknown;
};

export type Seed = {
  plants: string[];
  standards: string[];
  processTypes: string[];
  resourceTypes: string[];
  attributes: AttributeDefinition[];
  designs: StoredDesign[];
};

export type CableBuilderState = {
  plants: Set<string>;
  standards: Set<string>;
  processTypes: Set<string>;
  resourceTypes: Set<string>;
  definitions: Map<string, AttributeDefinition>;
  designs: Map<string, StoredDesign>;
  log: TransferLogEntry[];
  /** Create fails with CreateDesignException after this many built sections (fault); null = never. */
  createFailAfterSections: number | null;
  /**
   * The next n calls of an endpoint meet an unhandled exception inside CableBuilder (fault): the
   * guide's `Exception` row, 500 in the common error structure with a stack trace.
   */
  unhandledException: Partial<Record<'getDesign' | 'updateDesign' | 'createDesign', number>>;
};

export function definitionKey(scope: Scope, name: string): string {
  return `${scope}:${name}`;
}

export function createState(seed: Seed): CableBuilderState {
  const state: CableBuilderState = {
    plants: new Set(seed.plants),
    standards: new Set(seed.standards),
    processTypes: new Set(seed.processTypes),
    resourceTypes: new Set(seed.resourceTypes),
    definitions: new Map(seed.attributes.map((a) => [definitionKey(a.scope, a.name), a])),
    designs: new Map(),
    log: [],
    createFailAfterSections: null,
    unhandledException: {},
  };
  for (const d of seed.designs) state.designs.set(designKey(d.design, d.designAlternative), structuredClone(d));
  return state;
}

export function findDesign(state: CableBuilderState, design: string, alternative: number, a: CableBuilderAssumptions): StoredDesign | undefined {
  const exact = state.designs.get(designKey(design, alternative));
  if (exact !== undefined || !a.caseInsensitiveCodes) return exact;
  for (const d of state.designs.values()) if (d.designAlternative === alternative && d.design.toLowerCase() === design.toLowerCase()) return d;
  return undefined;
}

export function inCatalogue(set: Set<string>, code: string, a: CableBuilderAssumptions): boolean {
  if (set.has(code)) return true;
  if (!a.caseInsensitiveCodes) return false;
  for (const c of set) if (c.toLowerCase() === code.toLowerCase()) return true;
  return false;
}

export function currentVersion(d: StoredDesign): StoredVersion {
  return d.versions[d.versions.length - 1]!;
}

function headerValue(d: StoredDesign, name: string): string | undefined {
  return d.header.find((x) => x.name === name)?.value;
}

/** `detail` as computed on every serialisation (3.2, 11.4). */
export function detailOf(d: StoredDesign, level: number, order: number, a: CableBuilderAssumptions): CommonDesign['detail'] {
  const v = currentVersion(d);
  const first = d.versions[0]!;
  const active = headerValue(d, 'status') === a.activeStatusValue;
  const outOfDate = headerValue(d, 'outOfDate');
  const inDate = outOfDate === undefined || outOfDate === '' || Number(outOfDate) === 0;
  const inERP = v.uploaded === 2;
  const errors: string[] = [];
  const check = (label: string, value: boolean, rule: ValidityCheck, failText: string): void => {
    if (rule === 'mustBeTrue' && !value) errors.push(`Validation: ${failText}`);
    if (rule === 'mustBeFalse' && value) errors.push(`Validation: ${label} must be false`);
  };
  check('approved', v.approved, a.validity.approved, 'design is not approved');
  check('active', active, a.validity.active, 'design is not active');
  check('inERP', inERP, a.validity.inERP, 'design is not in ERP');
  check('inDate', inDate, a.validity.inDate, 'design is out of date');
  if (a.validity.validationFormula !== null && !a.validity.validationFormula.includes(v.validationFormulaResult)) {
    errors.push(`Validation: validation formula returned ${JSON.stringify(v.validationFormulaResult)}`);
  }
  return {
    design: d.design,
    designAlternative: d.designAlternative,
    version: v.version,
    level,
    order,
    createdBy: first.createdBy,
    createDateTime: first.createDateTime,
    versionCreatedBy: v.createdBy,
    versionCreateDateTime: v.createDateTime,
    lastUpdatedBy: d.lastUpdatedBy,
    lastUpdateDateTime: d.lastUpdateDateTime,
    approved: v.approved,
    active,
    inERP,
    inDate,
    validationFormulaResult: v.validationFormulaResult,
    valid: errors.length === 0,
    errors,
  };
}

function attributesOf(state: CableBuilderState, scope: Scope, stored: StoredAttribute[]): Attribute[] {
  const out: Attribute[] = [];
  for (const s of stored) {
    const def = state.definitions.get(definitionKey(scope, s.name));
    if (def === undefined || !def.mapped) continue;
    out.push({ name: s.name, description: def.description, type: def.type, uom: def.uom, value: s.value, success: null, message: null });
  }
  return out;
}

/** The design as Send Design and Get Design show it: mapped sections and attributes only. */
export function serialise(state: CableBuilderState, d: StoredDesign, level: number, order: number, a: CableBuilderAssumptions): CommonDesign {
  const out: CommonDesign = { detail: detailOf(d, level, order, a) };
  const header = attributesOf(state, 'header', d.header);
  if (header.length > 0) out.header = { attributes: header };
  const plantAttrs = attributesOf(state, 'plant', d.plant.attributes);
  if (plantAttrs.length > 0) out.plant = { plant: d.plant.plant, attributes: plantAttrs };
  const operations = [];
  for (const op of d.operations) {
    const resources = op.resources
      .map((r) => ({ resource: r.resource, resourceName: r.resourceName, attributes: attributesOf(state, 'resource', r.attributes) }))
      .filter((r) => r.attributes.length > 0);
    const layers = [];
    for (const l of op.layers) {
      const boms = l.boms.map((b) => ({ position: b.position, attributes: attributesOf(state, 'bom', b.attributes) })).filter((b) => b.attributes.length > 0);
      const attrs = attributesOf(state, 'layer', l.attributes);
      if (attrs.length === 0 && boms.length === 0) continue;
      layers.push({ layer: l.layer, processName: l.processName, attributes: attrs, ...(boms.length > 0 ? { boms } : {}) });
    }
    const attrs = attributesOf(state, 'operation', op.attributes);
    if (attrs.length === 0 && resources.length === 0 && layers.length === 0) continue;
    operations.push({ operation: op.operation, attributes: attrs, ...(resources.length > 0 ? { resources } : {}), ...(layers.length > 0 ? { layers } : {}) });
  }
  if (operations.length > 0) out.operations = operations;
  return out;
}

/** Components of a stored design, by ascending operation, layer, position (all lines, mapped or not). */
export function componentsOf(state: CableBuilderState, d: StoredDesign, a: CableBuilderAssumptions): StoredDesign[] {
  const lines: Array<{ key: [number, number, number]; child: StoredDesign }> = [];
  for (const op of d.operations) for (const l of op.layers) for (const b of l.boms) {
    const item = b.attributes.find((x) => x.name === 'BOMitem')?.value;
    const alt = b.attributes.find((x) => x.name === 'BOMdesignAlternative')?.value;
    if (!item || !alt || !/^\d+$/.test(alt)) continue;
    const child = findDesign(state, item, Number(alt), a);
    if (child !== undefined) lines.push({ key: [op.operation, l.layer, b.position], child });
  }
  lines.sort((x, y) => x.key[0] - y.key[0] || x.key[1] - y.key[1] || x.key[2] - y.key[2]);
  return lines.map((x) => x.child);
}

export class BomCycleError extends Error {}

/** Multi-level walk (reference 7.4, [A-41]): breadth-first numbering, lexicographic maximum, sorted descending. */
export function multiLevel(state: CableBuilderState, root: StoredDesign, a: CableBuilderAssumptions): Array<{ design: StoredDesign; level: number; order: number }> {
  const key = (d: StoredDesign): string => designKey(d.design, d.designAlternative);
  const best = new Map<string, { design: StoredDesign; level: number; order: number }>([[key(root), { design: root, level: 0, order: 0 }]]);
  let frontier: StoredDesign[] = [root];
  for (let level = 1; frontier.length > 0; level++) {
    if (level > a.maxBomDepth) throw new BomCycleError(`BOM nesting deeper than ${a.maxBomDepth} levels below ${key(root)} (a cycle?)`);
    const next: StoredDesign[] = [];
    let order = 0;
    for (const parent of frontier) {
      for (const child of componentsOf(state, parent, a)) {
        const seen = best.get(key(child));
        if (!seen || level > seen.level || (level === seen.level && order > seen.order)) best.set(key(child), { design: child, level, order });
        next.push(child);
        order++;
      }
    }
    frontier = next;
  }
  return [...best.values()].sort((x, y) => y.level - x.level || y.order - x.order);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** `yyyy-MM-dd HH:mm:ss.S` [A-16] (local time of the emulated server; UTC here for determinism). */
export function createStamp(now: Date): string {
  return `${now.getUTCFullYear()}-${pad(now.getUTCMonth() + 1)}-${pad(now.getUTCDate())} ${pad(now.getUTCHours())}:${pad(now.getUTCMinutes())}:${pad(now.getUTCSeconds())}.${Math.floor(now.getUTCMilliseconds() / 100)}`;
}

/** `dd-MMM-yyyy`. */
export function dayStamp(now: Date): string {
  return `${pad(now.getUTCDate())}-${MONTHS[now.getUTCMonth()]}-${now.getUTCFullYear()}`;
}

/** Error `timestamp`: `YYYY-MM-DDTHH:mm:ss.SSS`. */
export function errorStamp(now: Date): string {
  return now.toISOString().slice(0, 23);
}
