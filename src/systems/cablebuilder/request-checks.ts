/**
 * Checks the client runs BEFORE sending Update or Create Design, so a request CableBuilder would
 * refuse with a 400 is never sent (reference 9.1, 5.2, 10.2). Each failure names the field and the
 * exception CableBuilder would have answered. Catalogue lookups (plant, standard, process,
 * resource names) need CableBuilder's data and are left to it.
 */
import type { Attribute, CommonDesign } from './schemas.ts';
import { CableBuilderRequestError, type CableBuilderCall } from './errors.ts';
import { designCodeProblem } from './design-code.ts';

const nonBlank = (s: unknown): s is string => typeof s === 'string' && s.trim() !== '';
const intGE0 = (n: unknown): boolean => typeof n === 'number' && Number.isInteger(n) && n >= 0;
const intGT0 = (n: unknown): boolean => typeof n === 'number' && Number.isInteger(n) && n > 0;
const has = (attrs: Attribute[] | null | undefined): boolean => (attrs ?? []).length > 0;

function checkIdentity(call: CableBuilderCall, d: CommonDesign): void {
  if (!nonBlank(d.detail?.design)) throw new CableBuilderRequestError(call, 'DesignNotDefinedException', 'detail.design', 'must be a non-blank string');
  if (!intGE0(d.detail.designAlternative)) throw new CableBuilderRequestError(call, 'DesignNotDefinedException', 'detail.designAlternative', 'must be an integer >= 0');
}

function checkAttributes(call: CableBuilderCall, d: CommonDesign): void {
  const visit = (attrs: Attribute[] | null | undefined, at: string): void => {
    (attrs ?? []).forEach((a, i) => {
      if (!nonBlank(a.name)) throw new CableBuilderRequestError(call, 'JsonException', `${at}.attributes[${i}].name`, 'must be a non-blank string');
    });
  };
  visit(d.header?.attributes, 'header');
  visit(d.plant?.attributes, 'plant');
  (d.operations ?? []).forEach((op, i) => {
    visit(op.attributes, `operations[${i}]`);
    (op.resources ?? []).forEach((r, j) => visit(r.attributes, `operations[${i}].resources[${j}]`));
    (op.layers ?? []).forEach((l, j) => {
      visit(l.attributes, `operations[${i}].layers[${j}]`);
      (l.boms ?? []).forEach((b, k) => visit(b.attributes, `operations[${i}].layers[${j}].boms[${k}]`));
    });
  });
}

/**
 * Keys of sections in use (5.2). `create`: every section present is in use, and naming
 * fields and BOM component attributes are required too.
 */
function checkSections(call: CableBuilderCall, d: CommonDesign, create: boolean): void {
  (d.operations ?? []).forEach((op, i) => {
    const opAt = `operations[${i}]`;
    const layersInUse = (op.layers ?? []).map((l) => create || has(l.attributes) || (l.boms ?? []).some((b) => has(b.attributes)));
    const inUse = create || has(op.attributes) || (op.resources ?? []).some((r) => has(r.attributes)) || layersInUse.some(Boolean);
    if (inUse && !intGE0(op.operation)) throw new CableBuilderRequestError(call, 'OperationNotDefinedException', `${opAt}.operation`, 'must be an integer >= 0');
    (op.layers ?? []).forEach((l, j) => {
      const at = `${opAt}.layers[${j}]`;
      if (layersInUse[j] && !intGT0(l.layer)) throw new CableBuilderRequestError(call, 'LayerNotDefinedException', `${at}.layer`, 'must be an integer > 0');
      if (create && !nonBlank(l.processName)) throw new CableBuilderRequestError(call, 'ProcessTypeNotDefinedException', `${at}.processName`, 'must be a non-blank string');
    });
    (op.resources ?? []).forEach((r, j) => {
      const at = `${opAt}.resources[${j}]`;
      if ((create || has(r.attributes)) && !intGT0(r.resource)) throw new CableBuilderRequestError(call, 'ResourceNotDefinedException', `${at}.resource`, 'must be an integer > 0');
      if (create && !nonBlank(r.resourceName)) throw new CableBuilderRequestError(call, 'ResourceTypeNotDefinedException', `${at}.resourceName`, 'must be a non-blank string');
    });
    (op.layers ?? []).forEach((l, j) => {
      (l.boms ?? []).forEach((b, k) => {
        const at = `${opAt}.layers[${j}].boms[${k}]`;
        if ((create || has(b.attributes)) && !intGT0(b.position)) throw new CableBuilderRequestError(call, 'BomNotDefinedException', `${at}.position`, 'must be an integer > 0');
        if (!create) return;
        const item = b.attributes?.find((a) => a.name === 'BOMitem')?.value;
        const alt = b.attributes?.find((a) => a.name === 'BOMdesignAlternative')?.value;
        if (!nonBlank(item)) throw new CableBuilderRequestError(call, 'BomDesignDoesNotExistException', `${at}.attributes.BOMitem`, 'attribute BOMitem is required on every BOM');
        if (typeof alt !== 'string' || !/^\d+$/.test(alt)) {
          throw new CableBuilderRequestError(call, 'BomDesignDoesNotExistException', `${at}.attributes.BOMdesignAlternative`, 'attribute BOMdesignAlternative is required and must be a whole number');
        }
      });
    });
  });
}

export function checkUpdateRequest(d: CommonDesign): void {
  checkIdentity('updateDesign', d);
  checkAttributes('updateDesign', d);
  checkSections('updateDesign', d, false);
}

export function checkCreateRequest(d: CommonDesign): void {
  checkIdentity('createDesign', d);
  checkAttributes('createDesign', d);
  if (!nonBlank(d.plant?.plant)) throw new CableBuilderRequestError('createDesign', 'PlantNotDefinedException', 'plant.plant', 'a plant with a non-blank plant code is required');
  const standard = d.header?.attributes?.find((a) => a.name === 'standard');
  if (!nonBlank(standard?.value)) throw new CableBuilderRequestError('createDesign', 'StandardNotDefinedException', 'header.attributes.standard', 'a header attribute "standard" with a value is required');
  checkSections('createDesign', d, true);
  const codeProblem = designCodeProblem(d.detail.design, 'strict');
  if (codeProblem !== null) throw new CableBuilderRequestError('createDesign', 'InvalidDesignCodeException', 'detail.design', `${JSON.stringify(d.detail.design)}: ${codeProblem}`);
}

const pickAttr = (a: Attribute): { name: string; value: string | null } => ({ name: a.name, value: a.value ?? null });

/**
 * The request body as sent: only documented fields (unknown ones are JsonExceptions), and for
 * Update only `name` and `value` per attribute (10.2).
 */
export function toWireDesign(d: CommonDesign, mode: 'update' | 'create'): CommonDesign {
  const attrs = (list: Attribute[] | null | undefined): Attribute[] =>
    (list ?? []).map((a) => (mode === 'update' ? pickAttr(a) : { ...pickAttr(a), ...(a.description != null ? { description: a.description } : {}), ...(a.type != null ? { type: a.type } : {}), ...(a.uom != null ? { uom: a.uom } : {}) }));
  const out: CommonDesign = { detail: { design: d.detail.design, designAlternative: d.detail.designAlternative } };
  if (d.header) out.header = { attributes: attrs(d.header.attributes) };
  if (d.plant) out.plant = { plant: d.plant.plant ?? null, attributes: attrs(d.plant.attributes) };
  if (d.operations) {
    out.operations = d.operations.map((op) => ({
      operation: op.operation ?? null,
      attributes: attrs(op.attributes),
      ...(op.resources ? { resources: op.resources.map((r) => ({ resource: r.resource ?? null, ...(r.resourceName != null ? { resourceName: r.resourceName } : {}), attributes: attrs(r.attributes) })) } : {}),
      ...(op.layers
        ? {
            layers: op.layers.map((l) => ({
              layer: l.layer ?? null,
              ...(l.processName != null ? { processName: l.processName } : {}),
              attributes: attrs(l.attributes),
              ...(l.boms ? { boms: l.boms.map((b) => ({ position: b.position ?? null, attributes: attrs(b.attributes) })) } : {}),
            })),
          }
        : {}),
    }));
  }
  return out;
}
