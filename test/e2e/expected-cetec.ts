/**
 * What the emulated Cetec tenant must hold after a set of plans has been executed, derived from the
 * plans alone (never from what the hub sent), and a comparison with the emulator's read-back.
 *
 * The rules follow the Cetec contract the emulator implements (docs/emulators/cetec.md): a
 * definition replaces the root's BOM and labor plan, and those of nested nodes that carry
 * `bom_definition` / `locations`; part numbers are upper-cased; an import creates one quote per
 * order object and a sales order when `place_order` is set.
 */
import assert from 'node:assert/strict';
import type { CetecEmulator } from '../../emulators/cetec/server.ts';
import type { BomLine, LaborLocation, OrderLine } from '../../emulators/cetec/state.ts';
import type { CetecBomNode, CetecImportOrder } from '../../src/systems/cetec/schemas.ts';
import type { Plan } from '../../src/translate/plan.ts';

type Definition = { bom?: BomLine[]; labor?: LaborLocation[]; from: string };

const partKey = (prcpart: string, revision: string): string => `${prcpart.toUpperCase()}\u0000${revision}`;

function bomOf(node: CetecBomNode): BomLine[] {
  return (node.bom_definition ?? []).map((child, i) => ({
    line: i + 1,
    prcpart: child.prcpart.toUpperCase(),
    revision: child.revision_text,
    qty_per_top: Number(child.qty_per_top),
    component: child.component ?? null,
    sourcing: child.sourcing ?? null,
    pick_comments: child.pick_comments ?? null,
  }));
}

function laborOf(node: CetecBomNode): LaborLocation[] {
  return (node.locations ?? []).map((loc) => ({
    location_external_key: loc.location_external_key,
    build_order: loc.build_order,
    lead_time: loc.lead_time ?? null,
    operations: (loc.operations ?? []).map((op) => ({
      operation_external_key: op.operation_external_key,
      repetitions: op.repetitions,
      setup: op.setup,
      place_in_line: op.place_in_line,
      instructions: op.instructions.map((i) => i.instruction),
    })),
  }));
}

/** Every (part, revision) the plans define, with each distinct definition a plan gives it. */
export function expectedDefinitions(plans: Array<{ order: number; plan: Plan }>): Map<string, Definition[]> {
  const out = new Map<string, Definition[]>();
  const add = (node: CetecBomNode, isRoot: boolean, from: string): void => {
    const def: Definition = { from };
    if (isRoot || node.bom_definition !== undefined) def.bom = bomOf(node);
    if (isRoot || node.locations !== undefined) def.labor = laborOf(node);
    if (def.bom !== undefined || def.labor !== undefined) {
      const key = partKey(node.prcpart, node.revision_text);
      const list = out.get(key) ?? [];
      list.push(def);
      out.set(key, list);
    }
    for (const child of node.bom_definition ?? []) add(child, false, from);
  };
  for (const { order, plan } of plans) {
    for (const step of plan.steps) if (step.kind === 'partrevisiondefinition') add(step.body, true, `order ${order}`);
  }
  return out;
}

/**
 * Each defined part's BOM and routing in the emulator equal a plan's. Where several orders define
 * the same part differently, Cetec keeps the last writer's tree: the emulator must then hold one
 * of them (which one depends on the order the exports ran in). Returns how many were checked.
 */
export function assertDefinitions(cetec: CetecEmulator, plans: Array<{ order: number; plan: Plan }>): number {
  let checked = 0;
  for (const [key, defs] of expectedDefinitions(plans)) {
    const [prcpart, revision] = key.split('\u0000') as [string, string];
    const held = cetec.state.revision(prcpart, revision);
    assert.ok(held !== null, `Cetec has no part ${prcpart} revision ${JSON.stringify(revision)} (defined by ${defs.map((d) => d.from).join(', ')})`);
    const boms = defs.filter((d) => d.bom !== undefined).map((d) => JSON.stringify(d.bom));
    if (boms.length > 0) {
      assert.ok(boms.includes(JSON.stringify(held.bom)), `BOM of ${prcpart} rev ${JSON.stringify(revision)} is not the planned one\nheld: ${JSON.stringify(held.bom)}\nplanned: ${boms[0]}`);
    }
    const labors = defs.filter((d) => d.labor !== undefined).map((d) => JSON.stringify(d.labor));
    if (labors.length > 0) {
      assert.ok(labors.includes(JSON.stringify(held.labor)), `routing of ${prcpart} rev ${JSON.stringify(revision)} is not the planned one\nheld: ${JSON.stringify(held.labor)}\nplanned: ${labors[0]}`);
    }
    checked++;
  }
  return checked;
}

/** The sales orders of a plan (its importjson bodies). */
export function plannedOrders(plan: Plan): CetecImportOrder[] {
  return plan.steps.flatMap((s) => (s.kind === 'importjson' ? s.body : []));
}

const placed = (o: CetecImportOrder): boolean => o.place_order === true || (o.place_order as unknown) === 1 || (o.place_order as unknown) === 'true' || (o.place_order as unknown) === '1';

/**
 * Exactly one quote (and one sales order, when placed) per planned order, whose header is the
 * planned header and whose lines carry the planned parts, quantities, prices and dates.
 */
export function assertSalesOrders(cetec: CetecEmulator, order: number, plan: Plan): { quote: number; ordernum: number | null }[] {
  const out: { quote: number; ordernum: number | null }[] = [];
  for (const planned of plannedOrders(plan)) {
    const quotes = cetec.state.quotesByExternalKey(planned.external_key);
    const orders = cetec.state.ordersByExternalKey(planned.external_key);
    assert.equal(quotes.length, 1, `order ${order}: ${quotes.length} quotes with external key ${planned.external_key}`);
    assert.equal(orders.length, placed(planned) ? 1 : 0, `order ${order}: ${orders.length} sales orders with external key ${planned.external_key}`);
    const quote = quotes[0]!;
    const { lines, ...header } = planned;
    for (const [field, value] of Object.entries(header)) {
      assert.deepEqual(quote.header[field], value, `order ${order}: quote header ${field}`);
    }
    assert.equal(quote.location, planned.location);
    const expectLines = lines.map((line) => ({
      prcpart: line.prcpart.toUpperCase(),
      qty: Number(line.qty),
      transcode: line.transcode,
      resale: line.resale,
      cost: line.cost,
      external_key: line.external_key === '' ? null : line.external_key,
      description: line.description,
      due_date: line.due_date,
      ship_date: line.ship_date,
    }));
    const heldLines = (l: OrderLine[]) =>
      l.map((x) => ({
        prcpart: x.prcpart,
        qty: x.qty,
        transcode: x.transcode,
        resale: x.resale,
        cost: x.cost,
        external_key: x.external_key,
        description: x.description,
        due_date: x.due_date,
        ship_date: x.ship_date,
      }));
    assert.deepEqual(heldLines(quote.lines), expectLines, `order ${order}: quote lines`);
    // A line's revision is the planned one, or the part's current revision when none is named.
    for (const [i, line] of lines.entries()) {
      if (line.revision !== '') assert.equal(quote.lines[i]!.revision, line.revision, `order ${order}: line ${i + 1} revision`);
    }
    if (orders.length === 1) {
      assert.equal(orders[0]!.quote, quote.quotenum);
      assert.equal(quote.ordernum, orders[0]!.ordernum);
      assert.deepEqual(heldLines(orders[0]!.lines), expectLines, `order ${order}: sales order lines`);
    }
    out.push({ quote: quote.quotenum, ordernum: quote.ordernum });
  }
  return out;
}
