/**
 * A design's BOM positions → BOM lines: which component (design code and alternative, from the
 * `BOMitem` / `BOMdesignAlternative` attributes), how many per parent unit (the quantity
 * attribute, scaled by its unit), and a stable line number (layer × factor + position) so a
 * repeated import replaces lines instead of adding them [P-13].
 */
import { Decimal } from 'decimal.js';
import type { CommonDesign } from '../../systems/cablebuilder/schemas.ts';
import type { DesignTranslationOptions } from './options.ts';
import type { ProblemList } from './errors.ts';

export type BomLine = {
  line: number;
  componentDesign: string;
  componentAlternative: number;
  quantity: number;
  pickComments?: string;
  sourcing?: string;
  where: string;
};

const DECIMAL = /^\d+(\.\d+)?$/;

/** BOM lines in (operation, layer, position) order. Problems are recorded, bad lines skipped. */
export function toBomLines(design: CommonDesign, options: DesignTranslationOptions, problems: ProblemList, where: string): BomLine[] {
  const names = options.attributes;
  const found: Array<BomLine & { sortKey: [number, number, number] }> = [];
  const lineOwners = new Map<number, string>();
  for (const operation of design.operations ?? []) {
    for (const layer of operation.layers ?? []) {
      for (const bom of layer.boms ?? []) {
        const at = `${where} › operation ${operation.operation ?? '?'} › layer ${layer.layer ?? '?'} › position ${bom.position ?? '?'}`;
        if (typeof layer.layer !== 'number' || layer.layer <= 0 || typeof bom.position !== 'number' || bom.position <= 0) {
          problems.add('bom.key-invalid', at, 'layer and position must be integers greater than 0');
          continue;
        }
        const attrs = bom.attributes ?? [];
        const value = (name: string): string | null => {
          const a = attrs.find((x) => x.name === name);
          return a?.value === undefined || a.value === null || a.value.trim() === '' ? null : a.value.trim();
        };
        const item = value(names.bomItem);
        const alternative = value(names.bomDesignAlternative);
        if (item === null) {
          problems.add('bom.item-missing', at, `attribute ${names.bomItem} is missing or empty`);
          continue;
        }
        if (alternative === null || !/^\d+$/.test(alternative)) {
          problems.add('bom.alternative-invalid', at, `attribute ${names.bomDesignAlternative} must be a whole number, got ${JSON.stringify(alternative)}`);
          continue;
        }
        const quantityAttr = attrs.find((x) => x.name === names.quantity);
        const rawQuantity = value(names.quantity);
        if (rawQuantity === null) {
          problems.add('bom.quantity-missing', at, `attribute ${names.quantity} is missing or empty`);
          continue;
        }
        if (!DECIMAL.test(rawQuantity) || new Decimal(rawQuantity).lte(0)) {
          problems.add('bom.quantity-invalid', at, `attribute ${names.quantity} must be a positive decimal number, got ${JSON.stringify(rawQuantity)}`);
          continue;
        }
        const factor = options.quantityUomFactors[quantityAttr?.uom ?? ''] ?? 1;
        const line = layer.layer * options.lineLayerFactor + bom.position;
        const owner = lineOwners.get(line);
        if (owner !== undefined) {
          problems.add('bom.line-duplicate', at, `BOM line number ${line} is also used by ${owner}; adjust lineLayerFactor`);
          continue;
        }
        lineOwners.set(line, at);
        const pick = names.pickComments === null ? null : value(names.pickComments);
        const sourcing = names.sourcing === null ? null : value(names.sourcing);
        found.push({
          line,
          componentDesign: item,
          componentAlternative: Number(alternative),
          quantity: new Decimal(rawQuantity).times(factor).toNumber(),
          ...(pick === null ? {} : { pickComments: pick }),
          ...(sourcing === null ? {} : { sourcing }),
          where: at,
          sortKey: [operation.operation ?? 0, layer.layer, bom.position],
        });
      }
    }
  }
  found.sort((a, b) => a.sortKey[0] - b.sortKey[0] || a.sortKey[1] - b.sortKey[1] || a.sortKey[2] - b.sortKey[2]);
  return found.map(({ sortKey: _sortKey, ...line }) => line);
}
