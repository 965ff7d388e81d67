/**
 * The request checks of Get, Update and Create Design, in the guide's table order, each one full
 * pass over the body [A-45] (reference 5.1–5.4, 7.3, 8.5, 9.4). A check returns null or the
 * exception to answer with; the first failing check wins.
 */
import { z } from 'zod';
import {
  describeIssue,
  strictDesignSchema,
  strictGetDesignRequestSchema,
  type LooseDesign,
} from '../../src/systems/cablebuilder/schemas.ts';
import type { CableBuilderAssumptions } from '../../src/systems/cablebuilder/assumptions.ts';

export type Exception = { status: number; name: string; detail: string };

export const ex = (status: number, name: string, detail: string): Exception => ({ status, name, detail });

export const nonBlank = (s: unknown): s is string => typeof s === 'string' && s.trim() !== '';
const keyGE0 = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0;
const keyGT0 = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n > 0;

/** Rows 3 and 4 of every table: body present, JSON, an object, fields of the right types. */
export function readBody<T>(raw: string | undefined, schema: z.ZodType<T>): T | Exception {
  if (raw === undefined || raw.trim() === '') return ex(400, 'RequestBodyNotDefinedException', 'no request body found');
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    return ex(400, 'JsonException', (error as Error).message);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return ex(400, 'JsonException', 'the request body must be a JSON object');
  const parsed = schema.safeParse(value);
  if (!parsed.success) return ex(400, 'JsonException', describeIssue(parsed.error));
  return parsed.data;
}

export const isException = (v: unknown): v is Exception =>
  v !== null && typeof v === 'object' && 'name' in v && 'status' in v && 'detail' in v && Object.keys(v).length === 3;

export function getRequestSchema(a: CableBuilderAssumptions) {
  return strictGetDesignRequestSchema({ strict: a.strictJson });
}

export function designRequestSchema(a: CableBuilderAssumptions) {
  return strictDesignSchema({ requireValue: true, strict: a.strictJson });
}

export function checkDesignDefined(body: LooseDesign): Exception | null {
  const d = body.detail;
  if (d === null || d === undefined) return ex(400, 'DesignNotDefinedException', 'detail is missing');
  if (!nonBlank(d.design)) return ex(400, 'DesignNotDefinedException', 'detail.design is missing or blank');
  if (!keyGE0(d.designAlternative)) return ex(400, 'DesignNotDefinedException', 'detail.designAlternative must be an integer >= 0');
  return null;
}

type Section = { kind: 'operation' | 'resource' | 'layer' | 'bom'; path: string; key: unknown; naming?: unknown; inUse: boolean; attributes: Array<{ name: string; value?: string | null | undefined }> };

/** Every section of the body in document order (5.3), with `inUse` for Update (5.2). */
export function sectionsOf(body: LooseDesign, mode: 'update' | 'create'): Section[] {
  const out: Section[] = [];
  (body.operations ?? []).forEach((op, i) => {
    const opPath = `operations[${i}]`;
    const children: Section[] = [];
    (op.resources ?? []).forEach((r, j) => {
      const attrs = r.attributes ?? [];
      children.push({ kind: 'resource', path: `${opPath}.resources[${j}]`, key: r.resource, naming: r.resourceName, inUse: mode === 'create' || attrs.length > 0, attributes: attrs });
    });
    (op.layers ?? []).forEach((l, j) => {
      const lPath = `${opPath}.layers[${j}]`;
      const boms: Section[] = (l.boms ?? []).map((b, k) => {
        const attrs = b.attributes ?? [];
        return { kind: 'bom', path: `${lPath}.boms[${k}]`, key: b.position, inUse: mode === 'create' || attrs.length > 0, attributes: attrs };
      });
      const attrs = l.attributes ?? [];
      children.push({ kind: 'layer', path: lPath, key: l.layer, naming: l.processName, inUse: mode === 'create' || attrs.length > 0 || boms.some((b) => b.inUse), attributes: attrs });
      children.push(...boms);
    });
    const attrs = op.attributes ?? [];
    out.push({ kind: 'operation', path: opPath, key: op.operation, inUse: mode === 'create' || attrs.length > 0 || children.some((c) => c.inUse), attributes: attrs });
    out.push(...children);
  });
  return out;
}

export function checkKeys(sections: Section[], kind: Section['kind']): Exception | null {
  const names = { operation: 'OperationNotDefinedException', layer: 'LayerNotDefinedException', resource: 'ResourceNotDefinedException', bom: 'BomNotDefinedException' } as const;
  const field = { operation: 'operation', layer: 'layer', resource: 'resource', bom: 'position' } as const;
  for (const s of sections) {
    if (s.kind !== kind || !s.inUse) continue;
    const ok = kind === 'operation' ? keyGE0(s.key) : keyGT0(s.key);
    if (!ok) return ex(400, names[kind], `${s.path}: ${field[kind]} must be an integer ${kind === 'operation' ? '>= 0' : '> 0'}`);
  }
  return null;
}

export { designCodeProblem } from '../../src/systems/cablebuilder/design-code.ts';
