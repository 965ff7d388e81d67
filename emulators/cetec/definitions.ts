/**
 * `POST /api/partrevisiondefinition` (schema 2.0, cetec.md §4.1, §9 items 9–17) and
 * `PUT /api/partrevisiondefinition` (older revision-object shape, §4.2, §9 item 18).
 * Validation runs over the whole tree first; only a valid tree is applied, so a bad tree leaves
 * no partial writes (§9 item 16).
 */
import type { CetecBehaviours } from './behaviours.ts';
import { ensurePart, ensureRevision, normalisePart } from './state.ts';
import type { BomLine, CetecState, LaborLocation } from './state.ts';

export type Outcome = { status: number; body: unknown; warnings: string[] };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const isInt = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v);
const numeric = (v: unknown): number | null => {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
};

class Invalid extends Error {}

/** A node's revision label; without `revision_text` (PY's raw-material lines) the `""` revision. */
const labelOf = (node: Obj): string => (typeof node.revision_text === 'string' ? node.revision_text : '');

function fail(message: string): never {
  throw new Invalid(message);
}

function validateNode(node: unknown, path: string, ancestors: string[], isRoot: boolean, state: CetecState, b: CetecBehaviours, warnings: string[]): void {
  if (!isObj(node)) fail(`${path}: expected an object`);
  if (typeof node.prcpart !== 'string' || node.prcpart.trim() === '') fail(`${path}.prcpart: expected a non-empty string`);
  const prcpart = normalisePart(node.prcpart);
  if (node.revision_text === undefined) {
    if (b.requireRevisionText) fail(`${path}.revision_text: required`);
  } else if (typeof node.revision_text !== 'string') fail(`${path}.revision_text: expected a string`);
  if (ancestors.includes(prcpart)) fail(`${path}: part ${prcpart} contains itself (${[...ancestors, prcpart].join(' > ')})`);
  if (b.prcRequired && !state.seed.prcs.includes(prcpart.slice(0, 3))) fail(`${path}.prcpart: ${prcpart} does not start with a known PRC`);
  if (!isRoot) {
    if (node.qty_per_top === undefined) fail(`${path}.qty_per_top: required`);
    if (node.qty_per_top === null) {
      if (b.rejectNullQuantity) fail(`${path}.qty_per_top: required`);
      warnings.push(`null qty_per_top in ${path} (${prcpart})`);
    } else {
      const qty = numeric(node.qty_per_top);
      if (qty === null || qty <= 0) fail(`${path}.qty_per_top: expected a positive number, got ${JSON.stringify(node.qty_per_top)}`);
    }
  }
  if (node.component !== undefined) {
    const c = numeric(node.component);
    if (c === null || !Number.isInteger(c)) fail(`${path}.component: expected an integer`);
  }
  for (const key of ['sourcing', 'pick_comments'] as const) {
    if (node[key] !== undefined && node[key] !== null && typeof node[key] !== 'string') fail(`${path}.${key}: expected a string`);
  }
  if (node.locations !== undefined) {
    if (!Array.isArray(node.locations)) fail(`${path}.locations: expected an array`);
    const seen = new Set<number>();
    node.locations.forEach((loc, i) => {
      const lp = `${path}.locations[${i}]`;
      if (!isObj(loc)) fail(`${lp}: expected an object`);
      if (typeof loc.location_external_key !== 'string') fail(`${lp}.location_external_key: expected a string`);
      if (!state.seed.workLocations.some((w) => w.external_key === loc.location_external_key)) {
        fail(`${lp}.location_external_key: unknown work location ${JSON.stringify(loc.location_external_key)}`);
      }
      if (!isInt(loc.build_order) || (loc.build_order as number) < 1) fail(`${lp}.build_order: expected a positive integer`);
      if (seen.has(loc.build_order as number)) warnings.push(`duplicate build_order ${String(loc.build_order)} in ${path} (${prcpart})`);
      seen.add(loc.build_order as number);
      if (loc.lead_time !== undefined && (typeof loc.lead_time !== 'number' || loc.lead_time < 0)) fail(`${lp}.lead_time: expected a number ≥ 0`);
      if (loc.operations !== undefined) {
        if (!Array.isArray(loc.operations)) fail(`${lp}.operations: expected an array`);
        if (b.rejectLeadTimeWithOperations && loc.lead_time !== undefined && loc.operations.length > 0) {
          fail(`${lp}: an outside-service location (lead_time) cannot carry operations`);
        }
        loc.operations.forEach((op, j) => validateOperation(op, `${lp}.operations[${j}]`, state, b));
      }
    });
  }
  if (node.bom_definition !== undefined) {
    if (!Array.isArray(node.bom_definition)) fail(`${path}.bom_definition: expected an array`);
    node.bom_definition.forEach((child, i) => validateNode(child, `${path}.bom_definition[${i}]`, [...ancestors, prcpart], false, state, b, warnings));
  }
}

function validateOperation(op: unknown, path: string, state: CetecState, b: CetecBehaviours): void {
  if (!isObj(op)) fail(`${path}: expected an object`);
  if (typeof op.operation_external_key !== 'string') fail(`${path}.operation_external_key: expected a string`);
  if (!state.seed.operations.some((o) => o.external_key === op.operation_external_key)) {
    fail(`${path}.operation_external_key: unknown operation ${JSON.stringify(op.operation_external_key)}`);
  }
  if (!isInt(op.repetitions) || (op.repetitions as number) < 0) fail(`${path}.repetitions: expected an integer ≥ 0`);
  if (op.repetitions === 0 && !b.acceptZeroRepetitions) fail(`${path}.repetitions: must be at least 1`);
  if (typeof op.setup !== 'boolean') fail(`${path}.setup: expected a boolean`);
  if (!isInt(op.place_in_line)) fail(`${path}.place_in_line: expected an integer`);
  if (op.instructions !== undefined) {
    if (!Array.isArray(op.instructions)) fail(`${path}.instructions: expected an array`);
    op.instructions.forEach((ins, k) => {
      if (!isObj(ins) || typeof ins.instruction !== 'string') fail(`${path}.instructions[${k}]: expected {instruction: string}`);
    });
  }
}

function toLabor(locations: Obj[]): LaborLocation[] {
  return locations.map((loc) => ({
    location_external_key: loc.location_external_key as string,
    build_order: loc.build_order as number,
    lead_time: typeof loc.lead_time === 'number' ? loc.lead_time : null,
    operations: ((loc.operations as Obj[] | undefined) ?? []).map((op) => ({
      operation_external_key: op.operation_external_key as string,
      repetitions: op.repetitions as number,
      setup: op.setup as boolean,
      place_in_line: op.place_in_line as number,
      instructions: ((op.instructions as Obj[] | undefined) ?? []).map((i) => i.instruction as string),
    })),
  }));
}

function applyNode(node: Obj, isRoot: boolean, state: CetecState, b: CetecBehaviours): void {
  const part = ensurePart(state, node.prcpart as string);
  const revision = ensureRevision(part, labelOf(node), b.firstRevisionBecomesCurrent);
  const children = (node.bom_definition as Obj[] | undefined) ?? [];
  for (const child of children) {
    const childPart = ensurePart(state, child.prcpart as string);
    ensureRevision(childPart, labelOf(child), b.firstRevisionBecomesCurrent);
  }
  const replaces = isRoot || b.nestedNodesReplace;
  if (replaces && (isRoot || node.bom_definition !== undefined)) {
    revision.bom = children.map(
      (child, i): BomLine => ({
        line: i + 1,
        prcpart: normalisePart(child.prcpart as string),
        revision: labelOf(child),
        qty_per_top: numeric(child.qty_per_top),
        component: child.component === undefined ? null : numeric(child.component),
        sourcing: typeof child.sourcing === 'string' ? child.sourcing : null,
        pick_comments: typeof child.pick_comments === 'string' ? child.pick_comments : null,
      }),
    );
    part.is_bom = part.is_bom || revision.bom.length > 0;
  }
  if (replaces && (isRoot || node.locations !== undefined)) revision.labor = toLabor((node.locations as Obj[] | undefined) ?? []);
  for (const child of children) applyNode(child, false, state, b);
}

/** Validates and, when valid, applies a schema 2.0 tree. `body` has had `preshared_token` removed. */
export function defineRevision(state: CetecState, body: unknown, versionHeader: string | undefined, b: CetecBehaviours): Outcome {
  const warnings: string[] = [];
  if (b.requireVersionHeader && versionHeader !== '2.0') {
    return { status: 400, body: { success: 0, message: 'Version: 2.0 header required' }, warnings };
  }
  try {
    validateNode(body, 'root', [], true, state, b, warnings);
  } catch (error) {
    if (error instanceof Invalid) return { status: 400, body: { success: 0, message: error.message }, warnings };
    throw error;
  }
  const root = body as Obj;
  applyNode(root, true, state, b);
  state.clock += 1;
  return { status: 200, body: { success: 1, prcpart: normalisePart(root.prcpart as string), revision: labelOf(root) }, warnings };
}

/** The older `PUT` shape (§4.2): does not create the root part; creates components with descriptions. */
export function putRevision(state: CetecState, body: unknown, b: CetecBehaviours): Outcome {
  const warnings: string[] = [];
  const bad = (message: string): Outcome => ({ status: 400, body: { success: 0, message }, warnings });
  if (!isObj(body) || typeof body.prcpart !== 'string' || body.prcpart === '') return bad('prcpart: expected a non-empty string');
  const root = state.parts.get(normalisePart(body.prcpart));
  if (root === undefined) return bad(`part not found: ${normalisePart(body.prcpart)}`);
  const rev = isObj(body.revision) ? body.revision : {};
  const label = typeof rev.revision === 'string' ? rev.revision : '';
  const entries = body.bom_definition ?? [];
  if (!Array.isArray(entries)) return bad('bom_definition: expected an array');
  for (const [i, e] of entries.entries()) {
    if (!isObj(e) || typeof e.prcpart !== 'string' || e.prcpart === '') return bad(`bom_definition[${i}].prcpart: expected a non-empty string`);
    const qty = numeric(e.qty_per_top);
    if (qty === null || qty <= 0) return bad(`bom_definition[${i}].qty_per_top: expected a positive number`);
    if (normalisePart(e.prcpart) === root.prcpart) return bad(`bom_definition[${i}]: part ${root.prcpart} contains itself`);
  }
  const revision = ensureRevision(root, label, b.firstRevisionBecomesCurrent);
  if (typeof rev.status === 'string') revision.status = rev.status;
  if (rev.current_rev === true || rev.current_rev === 1 || rev.current_rev === '1') root.current_revision = label;
  revision.bom = (entries as Obj[]).map((e, i) => {
    const inner = isObj(e.revision) && isObj(e.revision.part) ? e.revision.part : {};
    const description = typeof inner.description === 'string' ? inner.description : '';
    const part = ensurePart(state, e.prcpart as string, description);
    const childLabel = isObj(e.revision) && typeof e.revision.revision === 'string' ? e.revision.revision : '';
    ensureRevision(part, childLabel, b.firstRevisionBecomesCurrent);
    return {
      line: i + 1,
      prcpart: part.prcpart,
      revision: childLabel,
      qty_per_top: numeric(e.qty_per_top)!,
      component: numeric(e.component),
      sourcing: null,
      pick_comments: null,
    };
  });
  root.is_bom = root.is_bom || revision.bom.length > 0;
  state.clock += 1;
  return { status: 200, body: { success: 1, prcpart: root.prcpart, revision: label }, warnings };
}
