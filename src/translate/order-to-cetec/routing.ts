/**
 * Routing (Cetec labor plan) of one non-purchased component from its shop operations.
 *
 * - Skipped: the skip list (names and prefixes, on both the displayed and the definition name).
 * - Location: `routing.operations[definition name]`, else `[name]`, else `routing.defaultLocation`;
 *   none of these is a data error naming the operation (never dropped silently).
 * - Outside service: a location with `lead_time` (manual, else computed) and no operations, from the
 *   `quantities[]` row for the component's deliver/make quantity. When that quantity is not a
 *   quote break, the break that prices it is used (the largest break not above it; below the
 *   smallest break, the smallest) and a warning says which; never a silent 0.
 * - In-house: time as repetitions of a one-second operation. Setup hours are per lot:
 *   round(setup × 3600). Run hours are per piece: round(runtime × 3600) per piece, because a part
 *   revision's labor plan belongs to the part, not to one order (the next order replaces it), and
 *   Cetec scales run operations by the work-order quantity (`per-lot` multiplies by the make
 *   quantity instead). Positive time never rounds to 0 (minimum 1). Neither → one operation with
 *   1 repetition to carry the notes.
 * - `build_order` counts every emitted location from 1; `place_in_line` counts operations across
 *   the whole component from 1.
 */
import type { CetecLocation, CetecOperation } from '../../systems/cetec/schemas.ts';
import { hoursOf, operationQuantitySchema, type PaperlessOperation } from '../../systems/paperless/order-schema.ts';
import { componentPath, describeComponent, type ComponentRef, type TranslationContext } from './context.ts';
import { inPositionOrder, isSkipped, operationKey } from './operations.ts';

/** Seconds from hours, rounded, at least 1 when positive; 0 when absent or zero. */
export function secondsOf(hours: number | null | undefined): number {
  if (hours === null || hours === undefined || !(hours > 0)) return 0;
  return Math.max(1, Math.round(hours * 3600));
}

/**
 * Lead time (days) of an outside service at the component's quantity: the row's manual lead time,
 * else its lead time, else 0. The row is the one whose break equals the quantity; otherwise the
 * break that prices it (largest not above it, else the smallest), reported in `usedBreak`. Rows
 * are validated here (only outside services read them); a malformed row is a string naming its index.
 */
export function leadTimeOf(op: PaperlessOperation, quantity: number | null): { days: number; usedBreak: number | null } | string {
  const rows: { quantity: number; days: number }[] = [];
  const raw = op.quantities ?? [];
  for (let i = 0; i < raw.length; i++) {
    const parsed = operationQuantitySchema.safeParse(raw[i]);
    if (!parsed.success) return `quantities[${i}]: ${parsed.error.issues.map((x) => `${x.path.join('.') || '(row)'}: ${x.message}`).join('; ')}`;
    const days = parsed.data.manual_lead_time ?? parsed.data.lead_time ?? 0;
    rows.push({ quantity: parsed.data.quantity, days: Number.isFinite(days) && days > 0 ? days : 0 });
  }
  if (rows.length === 0 || quantity === null) return { days: 0, usedBreak: null };
  const exact = rows.find((r) => r.quantity === quantity);
  if (exact !== undefined) return { days: exact.days, usedBreak: null };
  const sorted = [...rows].sort((a, b) => a.quantity - b.quantity);
  const below = sorted.filter((r) => r.quantity <= quantity);
  const row = below.length > 0 ? below[below.length - 1]! : sorted[0]!;
  return { days: row.days, usedBreak: row.quantity };
}

export function instructionsOf(op: PaperlessOperation, localDeliveryMarker: string): { instruction: string }[] {
  let notes = op.notes?.trim() ?? '';
  if (localDeliveryMarker !== '' && notes.startsWith(localDeliveryMarker)) notes = notes.slice(localDeliveryMarker.length).trim();
  return notes === '' ? [] : [{ instruction: notes }];
}

export function toRouting(ref: ComponentRef, ctx: TranslationContext): CetecLocation[] {
  const o = ctx.options.routing;
  const c = ref.component;
  const locations: CetecLocation[] = [];
  let place = 0;
  const ops = c.shop_operations ?? [];
  const ordered = inPositionOrder(ops);
  for (const op of ordered) {
    if (isSkipped(op, o.skip)) continue;
    const key = operationKey(op);
    const location = o.operations[key] ?? o.operations[op.name.trim()] ?? o.defaultLocation;
    if (location === null || location === undefined) {
      const def = op.operation_definition_name?.trim();
      ctx.issues.add(
        `${componentPath(ref)}.shop_operations[${ops.indexOf(op)}]`,
        'operation.unmapped',
        `order ${ctx.orderNumber}: ${describeComponent(ref)}: operation ${JSON.stringify(op.name)}${def && def !== op.name ? ` (definition ${JSON.stringify(def)})` : ''} has no Cetec location: add ${JSON.stringify(key)} to translation.routing.operations, to the skip list, or set translation.routing.defaultLocation`,
      );
      continue;
    }
    const buildOrder = locations.length + 1;
    if (op.is_outside_service === true) {
      const quantity = (o.leadTimeQuantity === 'make' ? c.make_quantity : c.deliver_quantity) ?? null;
      const lead = leadTimeOf(op, quantity);
      if (typeof lead === 'string') {
        ctx.issues.add(`${componentPath(ref)}.shop_operations[${ops.indexOf(op)}].${lead.slice(0, lead.indexOf(':'))}`, 'schema', `order ${ctx.orderNumber}: ${describeComponent(ref)}: outside service ${JSON.stringify(op.name)}: ${lead}`);
        continue;
      }
      if (lead.usedBreak !== null) {
        ctx.warnings.push({
          code: 'lead-time.break',
          message: `order ${ctx.orderNumber}: ${describeComponent(ref)}: outside service ${JSON.stringify(op.name)}: quantity ${quantity} is not a quote break; lead time ${lead.days} days taken from the break at ${lead.usedBreak}`,
        });
      }
      locations.push({ location_external_key: location, build_order: buildOrder, lead_time: lead.days });
      continue;
    }
    const instructions = instructionsOf(op, ctx.options.salesOrder.localDeliveryMarker);
    const setup = secondsOf(hoursOf(op.setup_time));
    const lot = o.runRepetitions === 'per-lot' ? (c.make_quantity ?? c.deliver_quantity ?? 1) : 1;
    const runtime = hoursOf(op.runtime);
    const run = runtime !== null && runtime > 0 ? secondsOf(runtime * lot) : 0;
    const operations: CetecOperation[] = [];
    const make = (repetitions: number, isSetup: boolean): CetecOperation => ({
      operation_external_key: o.operationKey,
      repetitions,
      setup: isSetup,
      place_in_line: ++place,
      instructions: instructions.map((i) => ({ ...i })),
    });
    if (setup > 0) operations.push(make(setup, true));
    if (run > 0) operations.push(make(run, false));
    if (operations.length === 0) operations.push(make(1, false));
    locations.push({ location_external_key: location, build_order: buildOrder, operations });
  }
  return locations;
}
