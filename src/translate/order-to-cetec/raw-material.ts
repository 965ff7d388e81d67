/**
 * The raw-material child of a manufactured component (reference cetec.md 7.3, without its
 * defects 12–14): part number from, in order, the material operation's `Material Code` costing
 * variable, the `rawMaterial.parts` table (by material name, then material operation name), then
 * the rule (`prefix` + material name or operation name). The quantity is never null: part length +
 * cutoff from bar-stock costing variables when both are there, else `defaultQtyPerUnit`. With no
 * material at all, the configured fallback part and a plan warning naming the component.
 */
import { Decimal } from 'decimal.js';
import type { CetecBomNode } from '../../systems/cetec/schemas.ts';
import type { PaperlessOperation } from '../../systems/paperless/order-schema.ts';
import { escapeHtml } from '../../lib/html.ts';
import { componentPath, describeComponent, type ComponentRef, type TranslationContext } from './context.ts';
import { inPositionOrder, isSkipped, numericVariable, textVariable } from './operations.ts';
import { checkPartNumber, sanitizePartText } from './part-number.ts';

export function materialOperationOf(ref: ComponentRef, ctx: TranslationContext): PaperlessOperation | null {
  const ignore = ctx.options.rawMaterial.ignoreOperations;
  for (const op of inPositionOrder(ref.component.material_operations ?? [])) {
    const names = [op.name.trim(), op.operation_definition_name?.trim() ?? ''];
    if (names.some((n) => n !== '' && ignore.includes(n))) continue;
    if (isSkipped(op, ctx.options.routing.skip)) continue;
    return op;
  }
  return null;
}

export function toRawMaterialNode(ref: ComponentRef, ctx: TranslationContext): CetecBomNode | null {
  const o = ctx.options.rawMaterial;
  const op = materialOperationOf(ref, ctx);
  const material = ref.component.material?.name?.trim() || null;

  let prcpart: string | null = null;
  if (op !== null) prcpart = textVariable(op, o.codeVariable);
  if (prcpart === null && material !== null) prcpart = o.parts[material] ?? null;
  if (prcpart === null && op !== null) prcpart = o.parts[op.name.trim()] ?? null;
  if (prcpart === null) {
    const source = o.rule === 'material-name' ? material : (op?.name.trim() ?? null);
    const text = source === null ? '' : sanitizePartText(source);
    if (text !== '') prcpart = o.prefix + text;
  }

  if (prcpart === null) {
    ctx.warnings.push({
      code: 'material.fallback',
      message: `order ${ctx.orderNumber}: ${describeComponent(ref)} has no known raw material; using ${o.fallbackPart}`,
    });
    prcpart = o.fallbackPart;
  }
  prcpart = prcpart.toUpperCase();
  const problem = checkPartNumber(prcpart, ctx.options.partNumbers.maxLength);
  if (problem !== null) {
    ctx.issues.add(`${componentPath(ref)}.material_operations`, 'part-number.invalid', `order ${ctx.orderNumber}: raw material of ${describeComponent(ref)}: ${problem}`);
    return null;
  }

  const partLength = op === null ? null : numericVariable(op, o.barStock.partLength);
  const cutoff = op === null ? null : numericVariable(op, o.barStock.cutoff);
  const bar = partLength !== null && cutoff !== null && partLength > 0 && cutoff >= 0;
  // Decimal addition so 2.4 + 0.1 is 2.5, not 2.5000000000000004.
  const qty = bar ? new Decimal(partLength).plus(cutoff).toNumber() : o.defaultQtyPerUnit;

  const sourcing: string[] = [];
  if (material !== null) sourcing.push(`Material: ${escapeHtml(material)}`);
  if (op !== null && op.name.trim() !== '' && op.name.trim() !== material) sourcing.push(`Stock: ${escapeHtml(op.name.trim())}`);
  if (bar) sourcing.push(`Bar per part: ${qty} (part length ${partLength} + cutoff ${cutoff})`);
  const pick = bar ? `Part length: ${partLength} || Cutoff: ${cutoff}` : '';

  return { component: 1, prcpart, revision_text: '', qty_per_top: qty, sourcing: sourcing.join('<br>'), pick_comments: pick };
}
