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

/** The numeric value of a costing variable by label, or null. */
export function numericVariable(op: PaperlessOperation, label: string): number | null {
  const v = op.costing_variables?.find((cv) => cv.label === label)?.value;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim())) return Number(v.trim());
  return null;
}

/** The non-empty text value of a costing variable by label, or null. */
export function textVariable(op: PaperlessOperation, label: string): string | null {
  const v = op.costing_variables?.find((cv) => cv.label === label)?.value;
  if (typeof v === 'string' && v.trim() !== '') return v.trim();
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}
