/**
 * Get, Update and Create Design on the emulator's state: checks (checks.ts) then effects, as the
 * reference's sections 7–9 describe. Plain functions of (state, raw body, assumptions, clock);
 * server.ts turns their results into HTTP answers. Also used by the Send Design driver to apply
 * an `update` from the ERP's answer.
 */
import type { Attribute, CommonDesign, LooseDesign } from '../../src/systems/cablebuilder/schemas.ts';
import { designKey } from '../../src/systems/cablebuilder/schemas.ts';
import type { CableBuilderAssumptions } from '../../src/systems/cablebuilder/assumptions.ts';
import {
  BomCycleError, createStamp, currentVersion, dayStamp, definitionKey, findDesign, inCatalogue, multiLevel, serialise,
  type CableBuilderState, type Scope, type StoredAttribute, type StoredDesign,
} from './state.ts';
import {
  checkDesignDefined, checkKeys, designCodeProblem, designRequestSchema, ex, getRequestSchema, isException, nonBlank, readBody, sectionsOf,
  type Exception,
} from './checks.ts';

export type CallResult = { status: 200; body: unknown } | Exception;

type Ctx = { state: CableBuilderState; a: CableBuilderAssumptions; now: Date };

export function getDesign(ctx: Ctx, raw: string | undefined): CallResult {
  const body = readBody(raw, getRequestSchema(ctx.a));
  if (isException(body)) return body;
  if (!nonBlank(body.design)) return ex(400, 'DesignNotDefinedException', 'design is missing or blank');
  if (typeof body.designAlternative !== 'number' || body.designAlternative < 0) {
    return ex(400, 'DesignNotDefinedException', 'designAlternative must be an integer >= 0');
  }
  const found = findDesign(ctx.state, body.design, body.designAlternative, ctx.a);
  if (found === undefined) return ex(404, 'DesignDoesNotExistException', `design ${designKey(body.design, body.designAlternative)} does not exist`);
  if (body.singleLevel === true) return { status: 200, body: [serialise(ctx.state, found, 0, 0, ctx.a)] };
  try {
    return { status: 200, body: multiLevel(ctx.state, found, ctx.a).map((e) => serialise(ctx.state, e.design, e.level, e.order, ctx.a)) };
  } catch (error) {
    if (error instanceof BomCycleError) return ex(500, 'Exception', `java.lang.IllegalStateException: ${error.message}`);
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Update Design

type Target = { scope: Scope; location: string; attributes: StoredAttribute[] | null };

/** Every attribute of the request with the stored section it addresses (null: not in the design). */
function targetsOf(body: LooseDesign, stored: StoredDesign): Array<{ target: Target; attr: Attribute }> {
  const out: Array<{ target: Target; attr: Attribute }> = [];
  for (const attr of body.header?.attributes ?? []) out.push({ target: { scope: 'header', location: 'header', attributes: stored.header }, attr });
  if (body.plant) {
    const same = body.plant.plant === stored.plant.plant;
    for (const attr of body.plant.attributes ?? []) out.push({ target: { scope: 'plant', location: `plant ${body.plant.plant ?? ''}`, attributes: same ? stored.plant.attributes : null }, attr });
  }
  for (const op of body.operations ?? []) {
    const sop = stored.operations.find((o) => o.operation === op.operation);
    const opLoc = `operation ${op.operation}`;
    for (const attr of op.attributes ?? []) out.push({ target: { scope: 'operation', location: opLoc, attributes: sop?.attributes ?? null }, attr });
    for (const r of op.resources ?? []) {
      const sr = sop?.resources.find((x) => x.resource === r.resource);
      for (const attr of r.attributes ?? []) out.push({ target: { scope: 'resource', location: `${opLoc} resource ${r.resource}`, attributes: sr?.attributes ?? null }, attr });
    }
    for (const l of op.layers ?? []) {
      const sl = sop?.layers.find((x) => x.layer === l.layer);
      for (const attr of l.attributes ?? []) out.push({ target: { scope: 'layer', location: `${opLoc} layer ${l.layer}`, attributes: sl?.attributes ?? null }, attr });
      for (const b of l.boms ?? []) {
        const sb = sl?.boms.find((x) => x.position === b.position);
        for (const attr of b.attributes ?? []) {
          out.push({ target: { scope: 'bom', location: `${opLoc} layer ${l.layer} position ${b.position}`, attributes: sb?.attributes ?? null }, attr });
        }
      }
    }
  }
  return out;
}

/** Applies one attribute (reference 8.4, first match wins). Mutates the stored attributes and the answer attribute. */
function applyAttribute(ctx: Ctx, stored: StoredDesign, target: Target, attr: Attribute): { changed: boolean; failure: string | null } {
  const fail = (message: string): { changed: boolean; failure: string } => {
    attr.success = false;
    attr.message = message;
    return { changed: false, failure: `${target.location}: ${attr.name}: ${message}` };
  };
  if (target.attributes === null) return fail('Error: section not found in design');
  const def = ctx.state.definitions.get(definitionKey(target.scope, attr.name));
  if (def === undefined) return fail('Error: attribute not found');
  if (ctx.a.updateRequiresMapping && !def.mapped) return fail('Error: attribute not mapped for ERP');
  const active = stored.header.find((x) => x.name === 'status')?.value === ctx.a.activeStatusValue;
  if (ctx.a.activeDesignAlternatives && active && def.primary) return fail('Error: attribute is read-only on an active design');
  const value = attr.value ?? '';
  if (value !== '' && def.type === 'FLOAT' && !/^-?\d+(\.\d+)?$/.test(value)) return fail('Error: value is not a valid FLOAT');
  if (value !== '' && def.type === 'INTEGER' && !/^-?\d+$/.test(value)) return fail('Error: value is not a valid INTEGER');
  const existing = target.attributes.find((x) => x.name === attr.name);
  attr.success = true;
  if (existing !== undefined && existing.value === value) {
    attr.message = 'Warning: value unchanged';
    return { changed: false, failure: null };
  }
  if (existing === undefined) target.attributes.push({ name: attr.name, value, ...(def.formula ? { locked: true } : {}) });
  else {
    existing.value = value;
    if (def.formula) existing.locked = true;
  }
  attr.message = def.formula ? 'Warning: value locked against formula' : 'Success: value updated';
  return { changed: true, failure: null };
}

/** Sets every attribute of `body` on `stored`; fills success/message in `body`; returns failures. */
function applyAttributes(ctx: Ctx, stored: StoredDesign, body: LooseDesign): { changed: boolean; failures: string[] } {
  let changed = false;
  const failures: string[] = [];
  for (const { target, attr } of targetsOf(body, stored)) {
    const r = applyAttribute(ctx, stored, target, attr);
    changed ||= r.changed;
    if (r.failure !== null) failures.push(r.failure);
  }
  return { changed, failures };
}

export function updateDesign(ctx: Ctx, raw: string | undefined): CallResult {
  const body = readBody(raw, designRequestSchema(ctx.a));
  if (isException(body)) return body;
  const checked = checkDesignDefined(body);
  if (checked) return checked;
  const sections = sectionsOf(body, 'update');
  for (const kind of ['operation', 'layer', 'resource', 'bom'] as const) {
    const problem = checkKeys(sections, kind);
    if (problem) return problem;
  }
  return applyUpdate(ctx, body);
}

/** Steps after the checks (8.2): also the path of a Send Design answer's `update`. */
export function applyUpdate(ctx: Ctx, body: LooseDesign): CallResult {
  const stored = findDesign(ctx.state, body.detail!.design!, body.detail!.designAlternative!, ctx.a);
  if (stored === undefined) {
    return ex(404, 'DesignDoesNotExistException', `design ${designKey(body.detail!.design!, body.detail!.designAlternative!)} does not exist`);
  }
  const { changed, failures } = applyAttributes(ctx, stored, body);
  if (changed) {
    stored.lastUpdatedBy = ctx.a.apiUser;
    stored.lastUpdateDateTime = dayStamp(ctx.now);
  }
  if (failures.length > 0) body.detail!.errors = [...(body.detail!.errors ?? []), ...failures];
  return { status: 200, body };
}

// ---------------------------------------------------------------------------------------------
// Create Design

export function createDesign(ctx: Ctx, raw: string | undefined): CallResult {
  const body = readBody(raw, designRequestSchema(ctx.a));
  if (isException(body)) return body;
  const checked = checkDesignDefined(body);
  if (checked) return checked;
  const { state, a } = ctx;
  if (!body.plant || !nonBlank(body.plant.plant)) return ex(400, 'PlantNotDefinedException', 'plant.plant is missing or blank');
  if (!inCatalogue(state.plants, body.plant.plant, a)) return ex(500, 'PlantDoesNotExistException', `plant ${body.plant.plant} does not exist`);
  const standard = body.header?.attributes?.find((x) => x.name === 'standard');
  if (!body.header || !standard || !nonBlank(standard.value)) return ex(400, 'StandardNotDefinedException', 'header attribute "standard" is missing or blank');
  if (!inCatalogue(state.standards, standard.value, a)) return ex(500, 'StandardDoesNotExistException', `standard ${standard.value} does not exist`);
  const sections = sectionsOf(body, 'create');
  const keyProblem = checkKeys(sections, 'operation') ?? checkKeys(sections, 'layer');
  if (keyProblem) return keyProblem;
  for (const s of sections) if (s.kind === 'layer' && !nonBlank(s.naming)) return ex(400, 'ProcessTypeNotDefinedException', `${s.path}: processName is missing or blank`);
  for (const s of sections) {
    if (s.kind === 'layer' && !inCatalogue(state.processTypes, s.naming as string, a)) return ex(500, 'ProcessTypeDoesNotExistException', `${s.path}: process ${s.naming} does not exist`);
  }
  const resourceKey = checkKeys(sections, 'resource');
  if (resourceKey) return resourceKey;
  for (const s of sections) if (s.kind === 'resource' && !nonBlank(s.naming)) return ex(400, 'ResourceTypeNotDefinedException', `${s.path}: resourceName is missing or blank`);
  for (const s of sections) {
    if (s.kind === 'resource' && !inCatalogue(state.resourceTypes, s.naming as string, a)) return ex(500, 'ResourceTypeDoesNotExistException', `${s.path}: resource ${s.naming} does not exist`);
  }
  const bomKey = checkKeys(sections, 'bom');
  if (bomKey) return bomKey;
  for (const s of sections) {
    if (s.kind !== 'bom') continue;
    const item = s.attributes.find((x) => x.name === 'BOMitem')?.value;
    const alt = s.attributes.find((x) => x.name === 'BOMdesignAlternative')?.value;
    if (!nonBlank(item) || typeof alt !== 'string' || !/^\d+$/.test(alt) || findDesign(state, item, Number(alt), a) === undefined) {
      return ex(400, 'BomDesignDoesNotExistException', `${s.path}: BOMitem ${JSON.stringify(item ?? null)} / BOMdesignAlternative ${JSON.stringify(alt ?? null)} names no existing design`);
    }
  }
  const detail = body.detail!;
  const codeProblem = designCodeProblem(detail.design!, a.designCodeRule);
  if (codeProblem) return ex(400, 'InvalidDesignCodeException', `${JSON.stringify(detail.design)}: ${codeProblem}`);
  if (findDesign(state, detail.design!, detail.designAlternative!, a) !== undefined) {
    return ex(409, 'DesignExistsException', `design ${designKey(detail.design!, detail.designAlternative!)} already exists`);
  }
  return build(ctx, body);
}

/** 9.2 steps 2–4: build version 0, then set values as Update would; a fault may stop it half-way. */
function build(ctx: Ctx, body: LooseDesign): CallResult {
  const { state, a, now } = ctx;
  const detail = body.detail!;
  const key = designKey(detail.design!, detail.designAlternative!);
  const stored: StoredDesign = {
    design: detail.design!,
    designAlternative: detail.designAlternative!,
    plant: { plant: body.plant!.plant!, attributes: [] },
    header: [],
    operations: [],
    versions: [{ version: 0, uploaded: 0, approved: false, validationFormulaResult: '', createdBy: a.apiUser, createDateTime: createStamp(now) }],
    lastUpdatedBy: a.apiUser,
    lastUpdateDateTime: dayStamp(now),
  };
  state.designs.set(key, stored);
  let built = 0;
  const limit = state.createFailAfterSections;
  const failHere = (): boolean => limit !== null && ++built > limit;
  for (const op of body.operations ?? []) {
    if (failHere()) return createFailed(ctx, key, 'operation');
    const sop = { operation: op.operation!, attributes: [], resources: [], layers: [] } as StoredDesign['operations'][number];
    stored.operations.push(sop);
    for (const r of op.resources ?? []) {
      if (failHere()) return createFailed(ctx, key, 'resource');
      sop.resources.push({ resource: r.resource!, resourceName: r.resourceName!, attributes: [] });
    }
    for (const l of op.layers ?? []) {
      if (failHere()) return createFailed(ctx, key, 'layer');
      const sl = { layer: l.layer!, processName: l.processName!, attributes: [], boms: [] } as StoredDesign['operations'][number]['layers'][number];
      sop.layers.push(sl);
      for (const b of l.boms ?? []) {
        if (failHere()) return createFailed(ctx, key, 'bom');
        sl.boms.push({ position: b.position!, attributes: [] });
      }
    }
  }
  const { failures } = applyAttributes(ctx, stored, body);
  // The answer is the request, populated: detail as Get shows it, metadata from definitions.
  const populated = serialise(state, stored, 0, 0, a).detail;
  body.detail = { ...populated, errors: [...(populated.errors ?? []), ...failures] };
  fillMetadata(ctx, body);
  return { status: 200, body };
}

function createFailed(ctx: Ctx, key: string, at: string): CallResult {
  if (ctx.a.createRollback) ctx.state.designs.delete(key);
  return ex(500, 'CreateDesignException', `failure while creating ${at} of ${key}${ctx.a.createRollback ? '; rolled back' : '; rollback disabled, design left partly built'}`);
}

function fillMetadata(ctx: Ctx, body: LooseDesign): void {
  const fill = (scope: Scope, attrs: Attribute[] | null | undefined): void => {
    for (const attr of attrs ?? []) {
      const def = ctx.state.definitions.get(definitionKey(scope, attr.name));
      if (def === undefined) continue;
      attr.description = def.description;
      attr.type = def.type;
      attr.uom = def.uom;
    }
  };
  fill('header', body.header?.attributes as Attribute[] | undefined);
  fill('plant', body.plant?.attributes as Attribute[] | undefined);
  for (const op of body.operations ?? []) {
    fill('operation', op.attributes as Attribute[] | undefined);
    for (const r of op.resources ?? []) fill('resource', r.attributes as Attribute[] | undefined);
    for (const l of op.layers ?? []) {
      fill('layer', l.attributes as Attribute[] | undefined);
      for (const b of l.boms ?? []) fill('bom', b.attributes as Attribute[] | undefined);
    }
  }
}

/** Marks the result of a Send Design on the current version. */
export function markUploaded(stored: StoredDesign, success: boolean): void {
  currentVersion(stored).uploaded = success ? 2 : 1;
}

export type { CommonDesign };
