/** Small facts about Paperless operations shared by routing and raw material. */
import type { PaperlessOperation } from '../../systems/paperless/order-schema.ts';
import type { OrderTranslationOptions } from './options.ts';

/** The name an operation is mapped by: its definition (template) name, else its displayed name. */
export function operationKey(op: PaperlessOperation): string {
  const def = op.operation_definition_name?.trim();
  return def ? def : op.name.trim();
}

/** Whether the routing leaves the operation out (skip list, matched on both names). */
export function isSkipped(op: PaperlessOperation, skip: OrderTranslationOptions['routing']['skip']): boolean {
  const names = [op.name.trim(), op.operation_definition_name?.trim() ?? ''].filter((n) => n !== '');
  return names.some((n) => skip.names.includes(n) || skip.prefixes.some((p) => p !== '' && n.startsWith(p)));
}

/** Operations in their Paperless order (`position` when every one has it, else array order). */
export function inPositionOrder(ops: readonly PaperlessOperation[]): PaperlessOperation[] {
  const indexed = ops.map((op, index) => ({ op, index }));
  if (ops.every((op) => typeof op.position === 'number')) {
    indexed.sort((a, b) => a.op.position! - b.op.position! || a.index - b.index);
  }
  return indexed.map((x) => x.op);
}

/** The value of the costing variable with this label (entries of another shape are ignored). */
export function variableValue(op: PaperlessOperation, label: string): unknown {
  for (const cv of op.costing_variables ?? []) {
    if (cv !== null && typeof cv === 'object' && (cv as { label?: unknown }).label === label) return (cv as { value?: unknown }).value;
  }
  return undefined;
}

/** Text values of the costing variables, in order. */
export function textValues(op: PaperlessOperation): string[] {
  const out: string[] = [];
  for (const cv of op.costing_variables ?? []) {
    const v = cv !== null && typeof cv === 'object' ? (cv as { value?: unknown }).value : undefined;
    if (typeof v === 'string' && v.trim() !== '') out.push(v.trim());
  }
  return out;
}

/** The numeric value of a costing variable by label, or null. */
export function numericVariable(op: PaperlessOperation, label: string): number | null {
  const v = variableValue(op, label);
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim())) return Number(v.trim());
  return null;
}

/** The non-empty text value of a costing variable by label, or null. */
export function textVariable(op: PaperlessOperation, label: string): string | null {
  const v = variableValue(op, label);
  if (typeof v === 'string' && v.trim() !== '') return v.trim();
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}
