/**
 * CableBuilder ERP Integration API wire schemas (zod): the common design structure, the attribute
 * structure, the error structure, the Get Design request and the Send Design answer, with the
 * field names exactly as the Technical Guide spells them (reference section 3).
 *
 * Two readings of one shape:
 * - `designSchema` (and the types below) is the conservative reading the hub uses for answers it
 *   parses (Get/Update/Create answers) and for designs it has normalised: unknown fields are dropped,
 *   key fields must have the documented JSON types.
 * - `strictDesignSchema(...)` is the emulator's reading of requests [A-00, A-29]: unknown fields
 *   are errors (J4) and every known field must have its JSON type (J3); key fields may still be
 *   missing or null, because their absence has its own `…NotDefinedException` (reference 5.1).
 * The receiver's lenient reading (numeric strings, `layercode`) is `normalizeReceivedDesign` in
 * send-design-contract.ts, which rewrites the raw JSON and then uses `designSchema`.
 */
import { z } from 'zod';

const text = z.string().nullish();
const int = z.number().int().nullish();
const bool = z.boolean().nullish();

export const attributeSchema = z.object({
  name: z.string(),
  description: text,
  type: text,
  uom: text,
  value: z.string().nullable().optional(),
  success: bool,
  message: text,
});

export const bomSchema = z.object({ position: int, attributes: z.array(attributeSchema).nullish() });
export const layerSchema = z.object({
  layer: int,
  processName: text,
  attributes: z.array(attributeSchema).nullish(),
  boms: z.array(bomSchema).nullish(),
});
export const resourceSchema = z.object({ resource: int, resourceName: text, attributes: z.array(attributeSchema).nullish() });
export const operationSchema = z.object({
  operation: int,
  attributes: z.array(attributeSchema).nullish(),
  resources: z.array(resourceSchema).nullish(),
  layers: z.array(layerSchema).nullish(),
});
export const plantSchema = z.object({ plant: text, attributes: z.array(attributeSchema).nullish() });
export const headerSchema = z.object({ attributes: z.array(attributeSchema).nullish() });

/** The detail fields after the design key (guide §3), shared by the lenient and strict schemas. */
const DETAIL_FIELDS = {
  version: int,
  level: int,
  order: int,
  createdBy: text,
  createDateTime: text,
  versionCreatedBy: text,
  versionCreateDateTime: text,
  lastUpdatedBy: text,
  lastUpdateDateTime: text,
  approved: bool,
  active: bool,
  inERP: bool,
  inDate: bool,
  validationFormulaResult: text,
  valid: bool,
  errors: z.array(z.string()).nullish(),
};

export const detailSchema = z.object({
  design: z.string(),
  designAlternative: z.number().int().min(0),
  ...DETAIL_FIELDS,
});

/** One design alternative: the common design structure. */
export const designSchema = z.object({
  detail: detailSchema,
  header: headerSchema.nullish(),
  plant: plantSchema.nullish(),
  operations: z.array(operationSchema).nullish(),
});

export const getDesignRequestSchema = z.object({
  design: z.string(),
  designAlternative: z.number().int().min(0),
  singleLevel: z.boolean().nullish(),
});

export const getDesignResponseSchema = z.array(designSchema);

/** The ERP's good answer to Send Design (guide 6.3). */
export const sendDesignResponseSchema = z.object({
  success: z.boolean(),
  errors: z.array(z.string()).nullish(),
  update: designSchema.nullish(),
});

/** The common error response structure (guide section 5). `timestamp` and `path` may be absent. */
export const errorResponseSchema = z.object({
  status: z.number().int(),
  error: z.string(),
  message: z.string(),
  timestamp: z.string().nullish(),
  path: z.string().nullish(),
});

export type Attribute = z.output<typeof attributeSchema>;
export type Bom = z.output<typeof bomSchema>;
export type Layer = z.output<typeof layerSchema>;
export type Resource = z.output<typeof resourceSchema>;
export type Operation = z.output<typeof operationSchema>;
export type Plant = z.output<typeof plantSchema>;
export type Detail = z.output<typeof detailSchema>;
/** The common design structure, as the hub handles it. */
export type CommonDesign = z.output<typeof designSchema>;
export type GetDesignRequest = z.output<typeof getDesignRequestSchema>;
export type SendDesignResponse = z.output<typeof sendDesignResponseSchema>;
export type ErrorResponse = z.output<typeof errorResponseSchema>;

/**
 * The emulator's strict request reading (reference 5.1 J3–J5). `requireValue`: Update and Create
 * need a `value` key on every attribute (J5). `strict`: unknown fields are refused (J4, [A-29]).
 */
export function strictDesignSchema(options: { requireValue: boolean; strict: boolean }) {
  const obj = options.strict ? z.strictObject : z.object;
  const attribute = obj({
    name: z.string(),
    description: text,
    type: text,
    uom: text,
    value: options.requireValue ? z.string().nullable() : z.string().nullish(),
    success: bool,
    message: text,
  });
  const attributes = z.array(attribute).nullish();
  const bom = obj({ position: int, attributes });
  const layer = obj({ layer: int, processName: text, attributes, boms: z.array(bom).nullish() });
  const resource = obj({ resource: int, resourceName: text, attributes });
  const operation = obj({ operation: int, attributes, resources: z.array(resource).nullish(), layers: z.array(layer).nullish() });
  const detail = obj({ design: text, designAlternative: int, ...DETAIL_FIELDS });
  return obj({
    detail: detail.nullish(),
    header: obj({ attributes }).nullish(),
    plant: obj({ plant: text, attributes }).nullish(),
    operations: z.array(operation).nullish(),
  });
}

export function strictGetDesignRequestSchema(options: { strict: boolean }) {
  const obj = options.strict ? z.strictObject : z.object;
  return obj({ design: text, designAlternative: int, singleLevel: bool });
}

/** A design request body as the emulator reads it: keys may be missing (their own exceptions). */
export type LooseDesign = z.output<ReturnType<typeof strictDesignSchema>>;

/** `a.b[0].c` from a zod issue path, for messages that name the field. */
export function issuePath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `${out === '' ? '' : '.'}${String(key)}`;
  return out === '' ? '(body)' : out;
}

/** First zod issue as `<path>: <message>`, the detail of a JsonException or 400. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'invalid body';
  if (issue.code === 'unrecognized_keys') {
    return `${issuePath(issue.path)}: unexpected field ${issue.keys.map((k) => `'${k}'`).join(', ')}`;
  }
  return `${issuePath(issue.path)}: ${issue.message}`;
}

/** Value of the first attribute named `name` (exact), or undefined. */
export function attributeValue(attributes: ReadonlyArray<Attribute> | null | undefined, name: string): string | null | undefined {
  const found = (attributes ?? []).find((a) => a.name === name);
  return found === undefined ? undefined : (found.value ?? null);
}

/** `${design}#${alternative}`: how a design alternative is named in messages and maps. */
export function designKey(design: string, designAlternative: number): string {
  return `${design}#${designAlternative}`;
}
