/**
 * The BOM tree (Cetec part-revision definition) of one order item: a node per component, from the
 * root component through each parent's `children` with the per-parent quantity, so a component
 * used under several parents appears under each. Purchased components are leaves; manufactured
 * ones get their raw material as a last child; non-purchased ones get their routing.
 * `bom_definition` and `locations` are left out when empty (as the seed's example does).
 *
 * Refused (data errors naming the component): a dangling child id, a component that is its own
 * ancestor, a node whose part number equals an ancestor's (Cetec refuses self-containing
 * assemblies), trees deeper than MAX_BOM_DEPTH levels, and trees so large that a cycle-free but
 * heavily shared graph would explode (MAX_BOM_NODES). The depth bound also bounds the recursion.
 */
import type { CetecBomNode, CetecLocation } from '../../systems/cetec/schemas.ts';
import { MAX_BOM_DEPTH, MAX_BOM_NODES } from '../../systems/cetec/limits.ts';
import { componentType, type PaperlessOrderItem } from '../../systems/paperless/order-schema.ts';
import { componentPath, describeComponent, type ComponentRef, type TranslationContext } from './context.ts';
import { partIdentity, partNumberOf, type PartNumber, type PartRole } from './part-number.ts';
import { toRawMaterialNode } from './raw-material.ts';
import { toRouting } from './routing.ts';

export { MAX_BOM_DEPTH, MAX_BOM_NODES };

export type ItemIndex = {
  byId: Map<number, ComponentRef>;
  root: ComponentRef | null;
};

/** Components by id, and the root (by root_component_id, else the one is_root_component). */
export function indexItem(item: PaperlessOrderItem, itemIndex: number, ctx: TranslationContext): ItemIndex {
  const byId = new Map<number, ComponentRef>();
  item.components.forEach((component, index) => {
    if (byId.has(component.id)) {
      ctx.issues.add(`order_items[${itemIndex}].components[${index}].id`, 'component.duplicate', `order ${ctx.orderNumber}: item ${itemIndex}: component id ${component.id} appears twice`);
      return;
    }
    byId.set(component.id, { component, itemIndex, index });
  });
  let root = byId.get(item.root_component_id) ?? null;
  if (root === null) {
    const flagged = [...byId.values()].filter((r) => r.component.is_root_component === true);
    if (flagged.length === 1) root = flagged[0]!;
    else {
      ctx.issues.add(
        `order_items[${itemIndex}].root_component_id`,
        'component.root-missing',
        `order ${ctx.orderNumber}: item ${itemIndex}: root component ${item.root_component_id} is not among its components${flagged.length > 1 ? ` and ${flagged.length} components claim to be the root` : ''}`,
      );
    }
  }
  return { byId, root };
}

/**
 * A hand-made line: a root with nothing to build (no part number or name, no process, material,
 * operations or children). It becomes a sales-order line only.
 */
export function isManualItem(item: PaperlessOrderItem, root: ComponentRef): boolean {
  const c = root.component;
  if (item.quote_item_type === 'manual' && (c.children ?? []).length === 0) return true;
  return (
    (c.part_number?.trim() ?? '') === '' &&
    (c.part_name?.trim() ?? '') === '' &&
    (c.process === null || c.process === undefined) &&
    (c.material === null || c.material === undefined) &&
    (c.shop_operations ?? []).length === 0 &&
    (c.material_operations ?? []).length === 0 &&
    (c.children ?? []).length === 0
  );
}

/** The part number of a component in a role, recorded in the registry; null (issue added) when refused. */
export function resolvePartNumber(ref: ComponentRef, role: PartRole, ctx: TranslationContext): PartNumber | null {
  const result = partNumberOf(ref.component, role, ctx.options.partNumbers);
  if (!result.ok) {
    ctx.issues.add(`${componentPath(ref)}.part_number`, result.code, `order ${ctx.orderNumber}: ${describeComponent(ref)} ${result.message}`);
    return null;
  }
  const collision = ctx.partNumbers.claim(result.value.prcpart, partIdentity(ref.component, result.value), describeComponent(ref));
  if (collision !== null) {
    ctx.issues.add(`${componentPath(ref)}.part_number`, 'part-number.collision', `order ${ctx.orderNumber}: ${collision}`);
    return null;
  }
  return result.value;
}

export type ItemBom = { node: CetecBomNode; part: PartNumber };

export function toPartRevisionDefinition(item: PaperlessOrderItem, index: ItemIndex, ctx: TranslationContext): ItemBom | null {
  const root = index.root;
  if (root === null) return null;
  const rootPart = resolvePartNumber(root, 'root', ctx);
  // Per-component work is the same wherever it is used: compute it once.
  const partCache = new Map<number, PartNumber | null>();
  const routingCache = new Map<number, CetecLocation[]>();
  const rawCache = new Map<number, CetecBomNode | null>();
  let nodes = 0;
  let tooLarge = false;
  let tooDeep = false;

  const visit = (ref: ComponentRef, part: PartNumber | null, ancestors: ComponentRef[], ancestorParts: string[], qty: number | null): CetecBomNode | null => {
    if (++nodes > MAX_BOM_NODES) {
      if (!tooLarge) {
        tooLarge = true;
        ctx.issues.add(`order_items[${ref.itemIndex}]`, 'bom.too-large', `order ${ctx.orderNumber}: item ${ref.itemIndex}: the BOM tree has more than ${MAX_BOM_NODES} nodes once shared components are expanded`);
      }
      return null;
    }
    const c = ref.component;
    if (ancestors.length >= MAX_BOM_DEPTH) {
      if (!tooDeep) {
        tooDeep = true;
        const parent = ancestors[ancestors.length - 1]!;
        ctx.issues.add(
          componentPath(ref),
          'bom.too-deep',
          `order ${ctx.orderNumber}: ${describeComponent(ref)} sits ${ancestors.length + 1} levels deep (under ${describeComponent(parent)}); shopwire takes BOM trees of at most ${MAX_BOM_DEPTH} levels`,
        );
      }
      return null;
    }
    if (part !== null && ancestorParts.includes(part.prcpart)) {
      ctx.issues.add(`${componentPath(ref)}.part_number`, 'bom.self-reference', `order ${ctx.orderNumber}: ${describeComponent(ref)} has part number ${JSON.stringify(part.prcpart)}, the same as one of its ancestors; Cetec refuses a part that contains itself`);
      return null;
    }
    const node: CetecBomNode = { prcpart: part?.prcpart ?? '', revision_text: c.revision?.trim() ?? '' };
    if (qty !== null) node.qty_per_top = qty;
    const kind = componentType(c);
    if (kind === 'purchased') return node;

    const children: CetecBomNode[] = [];
    const path = [...ancestors, ref];
    const paths = part === null ? ancestorParts : [...ancestorParts, part.prcpart];
    (c.children ?? []).forEach((link, linkIndex) => {
      const child = index.byId.get(link.child_id);
      if (child === undefined) {
        ctx.issues.add(`${componentPath(ref)}.children[${linkIndex}].child_id`, 'bom.dangling-child', `order ${ctx.orderNumber}: ${describeComponent(ref)} lists child ${link.child_id}, which is not a component of the item`);
        return;
      }
      if (path.some((a) => a.component.id === child.component.id)) {
        const cycle = [...path.slice(path.findIndex((a) => a.component.id === child.component.id)), child].map((r) => r.component.id).join(' → ');
        ctx.issues.add(`${componentPath(ref)}.children[${linkIndex}].child_id`, 'bom.cycle', `order ${ctx.orderNumber}: ${describeComponent(child)} is its own ancestor (${cycle})`);
        return;
      }
      let childPart = partCache.get(child.component.id);
      if (childPart === undefined) {
        childPart = resolvePartNumber(child, 'child', ctx);
        partCache.set(child.component.id, childPart);
      }
      const built = visit(child, childPart, path, paths, link.quantity);
      if (built !== null) children.push(built);
    });
    // A component used under several parents is translated once; later uses get copies so the
    // plan is a tree of distinct objects (callers may hand it on and change it).
    if (kind === 'manufactured') {
      let raw = rawCache.get(c.id);
      if (raw === undefined) {
        raw = toRawMaterialNode(ref, ctx);
        rawCache.set(c.id, raw);
      } else if (raw !== null) raw = { ...raw };
      if (raw !== null) children.push(raw);
    }
    if (children.length > 0) node.bom_definition = children;
    let locations = routingCache.get(c.id);
    if (locations === undefined) {
      locations = toRouting(ref, ctx);
      routingCache.set(c.id, locations);
    } else locations = copyLocations(locations);
    if (locations.length > 0) node.locations = locations;
    return node;
  };

  const node = visit(root, rootPart, [], [], null);
  if (node === null || rootPart === null) return null;
  reportUnreachable(item, index, ctx);
  return { node, part: rootPart };
}

function copyLocations(locations: CetecLocation[]): CetecLocation[] {
  return locations.map((l) => (l.operations === undefined ? { ...l } : { ...l, operations: l.operations.map((op) => ({ ...op, instructions: op.instructions.map((i) => ({ ...i })) })) }));
}

/** Components the walk from the root never reaches: a warning, since they would not be built. */
function reportUnreachable(item: PaperlessOrderItem, index: ItemIndex, ctx: TranslationContext): void {
  const seen = new Set<number>();
  const stack = index.root === null ? [] : [index.root.component.id];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const ref = index.byId.get(id);
    for (const link of ref?.component.children ?? []) stack.push(link.child_id);
  }
  for (const ref of index.byId.values()) {
    if (!seen.has(ref.component.id)) {
      ctx.warnings.push({ code: 'component.unreachable', message: `order ${ctx.orderNumber}: ${describeComponent(ref)} is not reached from the root component ${item.root_component_id}; it is left out of the BOM` });
    }
  }
}
