/**
 * The Cetec sales order (`POST /importjson/quotes`, one order object) for a Paperless order: the
 * header (location, addresses, deterministic external key, comments, ship-via, tax, payment,
 * customer) and one line per order item followed by one line per ordered add-on. Money is passed
 * through as the exact decimal strings Paperless sent. User text going into HTML comments is
 * escaped; plain-text fields (comments, description, commission note) are sent as written.
 */
import type { CetecImportLine, CetecImportOrder } from '../../systems/cetec/schemas.ts';
import type { PaperlessAddress, PaperlessOrder, PaperlessOrderItem } from '../../systems/paperless/order-schema.ts';
import { escapeHtmlLines, htmlLink } from '../../lib/html.ts';
import { displayAmount, isZeroAmount, roundAmount } from '../../lib/money.ts';
import type { ComponentRef, TranslationContext } from './context.ts';
import { daysBefore } from './dates.ts';
import { textValues, textVariable } from './operations.ts';
import { checkPartNumber, type PartNumber } from './part-number.ts';

/** What the sales order needs to know about each order item once its BOM (if any) is built. */
export type ItemForLines = {
  item: PaperlessOrderItem;
  itemIndex: number;
  root: ComponentRef | null;
  /** Null when the item's part number was refused (an issue is already recorded). */
  part: PartNumber | null;
  manual: boolean;
};

export function toSalesOrder(order: PaperlessOrder, items: ItemForLines[], ctx: TranslationContext): CetecImportOrder {
  const o = ctx.options.salesOrder;
  const ship = address(order.shipping_info);
  const bill = address(order.billing_info);
  const header: CetecImportOrder = {
    location: o.location,
    shipto_name: ship.name,
    shipto_address_1: ship.line1,
    shipto_address_2: ship.line2,
    shipto_address_3: '',
    shipto_address_4: '',
    shipto_city: ship.city,
    shipto_state: ship.state,
    shipto_zip: ship.zip,
    billto_name: bill.name,
    billto_address_1: bill.line1,
    billto_address_2: bill.line2,
    billto_address_3: '',
    billto_address_4: '',
    billto_city: bill.city,
    billto_state: bill.state,
    billto_zip: bill.zip,
    external_key: externalKeyOf(order.number, ctx.profile, o.externalKeyTemplate),
    internal_comments: internalComments(order, ctx),
    commission_note: commissionNote(order, o.includeSalespersonEmail),
    ship_via: shipVia(order, items, ctx),
    shipping_instructions: shippingInstructions(order, ctx),
    customer_taxtype: o.customerTaxType,
    tax_collected: price(order.payment_details?.tax_cost ?? '0.00', 'payment_details.tax_cost', ctx),
    place_order: o.placeOrder,
    internal_customer_id: o.internalCustomerId,
    internal_vendor_id: o.internalVendorId,
    ...customer(order, ctx),
    ...payment(order, ctx),
    lines: toLines(order, items, ctx),
  };
  return header;
}

/** A price as Cetec gets it: exact, at most `priceDecimals` places (half to even), with a warning when rounded. */
function price(value: string | number, field: string, ctx: TranslationContext): string {
  const { text, rounded } = roundAmount(value, ctx.options.salesOrder.priceDecimals);
  if (rounded) {
    ctx.warnings.push({ code: 'price.rounded', message: `order ${ctx.orderNumber}: ${field} ${String(value)} has more than ${ctx.options.salesOrder.priceDecimals} decimals; sent as ${text} (rounded half to even)` });
  }
  return text;
}

/**
 * The customer's own carrier account (`customers_shipping_account`): without it in Cetec, the shop
 * would ship on its own account. A missing account number is a warning, not a guess.
 */
function shippingInstructions(order: PaperlessOrder, ctx: TranslationContext): string {
  const option = order.shipping_option;
  if (option?.type !== 'customers_shipping_account') return '';
  const account = option.customers_account_number?.trim() ?? '';
  const carrier = (option.customers_carrier?.trim() ?? '').toUpperCase();
  const method = (option.shipping_method?.trim() ?? '').replaceAll('_', ' ');
  if (account === '') {
    ctx.warnings.push({ code: 'shipping.account-missing', message: `order ${ctx.orderNumber}: ships on the customer's ${carrier || 'carrier'} account, but Paperless sent no account number; ask the customer before shipping` });
  }
  return ctx.options.salesOrder.customerAccountInstructions
    .replaceAll('{carrier}', carrier || '(carrier not given)')
    .replaceAll('{account}', account || '(account number not given)')
    .replaceAll('{method}', method || 'method not given')
    .trim();
}

/** `{profile}` and `{order}` filled in. Never random: a retry sends the same key. */
export function externalKeyOf(orderNumber: number, profile: string, template: string): string {
  return template.replaceAll('{profile}', profile).replaceAll('{order}', String(orderNumber));
}

function address(info: PaperlessAddress | null | undefined) {
  const t = (v: string | null | undefined): string => v?.trim() ?? '';
  return {
    name: t(info?.attention) || t(info?.business_name),
    line1: t(info?.address1),
    line2: t(info?.address2),
    city: t(info?.city),
    state: t(info?.state),
    zip: t(info?.postal_code),
  };
}

function internalComments(order: PaperlessOrder, ctx: TranslationContext): string {
  const app = ctx.options.salesOrder.paperlessAppUrl;
  const link = htmlLink(`${app}/orders/edit/${order.number}`, String(order.number));
  const notes = order.private_notes?.trim() ?? '';
  return `Order Number: ${link}<br><br>${escapeHtmlLines(notes)}`;
}

function commissionNote(order: PaperlessOrder, includeEmail: boolean): string {
  const person = order.salesperson ?? order.sales_person;
  const name = [person?.first_name?.trim(), person?.last_name?.trim()].filter((s) => s).join(' ');
  if (!person || name === '') return 'Salesperson not assigned';
  const email = person.email?.trim();
  return `Salesperson: ${name}${includeEmail && email ? ` (${email})` : ''}`;
}

/** The ship key Paperless implies: local delivery marker, pickup, or `{carrier}_{method}`. */
export function shipKeyOf(order: PaperlessOrder, items: ItemForLines[], ctx: TranslationContext): string | null {
  const marker = ctx.options.salesOrder.localDeliveryMarker;
  if (marker !== '') {
    for (const { root } of items) {
      if (root?.component.shop_operations?.some((op) => (op.notes?.trim() ?? '').startsWith(marker))) return 'local_delivery';
    }
  }
  const option = order.shipping_option;
  if (option === null || option === undefined) return null;
  if (option.type === 'pickup') return 'pickup';
  const carrier = option.type === 'suppliers_shipping_account' ? ctx.options.salesOrder.supplierCarrier : option.customers_carrier?.trim();
  const method = option.shipping_method?.trim();
  if (!carrier || !method) {
    ctx.issues.add('shipping_option', 'shipping.incomplete', `order ${ctx.orderNumber}: shipping option ${JSON.stringify(option.type)} has no ${!carrier ? 'carrier' : 'shipping method'}`);
    return null;
  }
  return `${carrier}_${method}`.toLowerCase();
}

function shipVia(order: PaperlessOrder, items: ItemForLines[], ctx: TranslationContext): string {
  const key = shipKeyOf(order, items, ctx);
  // No shipping option at all (older orders): leave ship_via empty so Cetec uses the customer's default.
  if (key === null) return '';
  const o = ctx.options.salesOrder;
  const mapped = o.shipVia[key] ?? o.shipViaFallback;
  if (mapped === null) {
    ctx.issues.add('shipping_option', 'shipping.unmapped', `order ${ctx.orderNumber}: ship method ${JSON.stringify(key)} has no Cetec ship code: add it to translation.salesOrder.shipVia or set shipViaFallback`);
    return '';
  }
  return mapped;
}

function customer(order: PaperlessOrder, ctx: TranslationContext): Pick<CetecImportOrder, 'customer_custnum' | 'customer_name'> {
  const account = order.contact?.account;
  const name = account?.name?.trim() || order.customer?.company?.business_name?.trim() || '';
  const custnum = account?.erp_code?.trim() ?? '';
  if (name === '' && custnum === '') {
    ctx.warnings.push({ code: 'customer.unassigned', message: `order ${ctx.orderNumber} has no customer account; sent as ${JSON.stringify(ctx.options.salesOrder.customerNameFallback)}` });
  }
  return {
    ...(custnum === '' ? {} : { customer_custnum: custnum }),
    customer_name: name === '' ? ctx.options.salesOrder.customerNameFallback : name,
  };
}

type PaymentFields = Pick<CetecImportOrder, 'po' | 'terms_external_key' | 'terms_description' | 'payment_type_id' | 'prepayment_amount' | 'prepayment_ref'>;

function payment(order: PaperlessOrder, ctx: TranslationContext): PaymentFields {
  const o = ctx.options.salesOrder;
  const pd = order.payment_details ?? {};
  const po = pd.purchase_order_number?.trim() ?? '';
  const out: PaymentFields = po === '' ? {} : { po };
  if (pd.payment_type === 'credit_card') {
    // Paperless writes the brand as "Visa(4242)"; Cetec gets "Visa_4242".
    const brand = (pd.card_brand?.trim() ?? '').replace(/\s*\(\d+\)$/, '');
    const last4 = pd.card_last4?.trim() ?? '';
    out.payment_type_id = o.creditCard.paymentTypeId;
    out.prepayment_amount = 'FULL';
    out.prepayment_ref = [brand, last4].filter((s) => s !== '').join('_');
    if (o.creditCard.termsKey !== null) out.terms_external_key = o.creditCard.termsKey;
    return out;
  }
  if (pd.payment_type === 'purchase_order') {
    const label = pd.payment_terms?.trim() || order.contact?.account?.payment_terms?.trim() || '';
    if (label !== '') {
      const key = o.paymentTerms[label];
      if (key !== undefined) out.terms_external_key = key;
      else {
        out.terms_description = label;
        ctx.warnings.push({ code: 'terms.unmapped', message: `order ${ctx.orderNumber}: payment terms ${JSON.stringify(label)} are not in translation.salesOrder.paymentTerms; sent as terms_description` });
      }
    }
    return out;
  }
  if (pd.payment_type !== null && pd.payment_type !== undefined && pd.payment_type.trim() !== '') {
    ctx.warnings.push({ code: 'payment.unknown', message: `order ${ctx.orderNumber}: payment type ${JSON.stringify(pd.payment_type)} is not known; no payment fields sent` });
  }
  return out;
}

function customerPart(root: ComponentRef | null, operationPrefix: string): string {
  if (root === null) return '';
  const c = root.component;
  if (operationPrefix !== '') {
    for (const op of c.shop_operations ?? []) {
      const names = [op.name.trim(), op.operation_definition_name?.trim() ?? ''];
      if (!names.some((n) => n.startsWith(operationPrefix))) continue;
      const byLabel = textVariable(op, operationPrefix);
      if (byLabel !== null) return byLabel;
      const first = textValues(op)[0];
      if (first !== undefined) return first;
    }
  }
  return c.part_number?.trim() ?? '';
}

function sourcingComments(order: PaperlessOrder, entry: ItemForLines, ctx: TranslationContext): string {
  const app = ctx.options.salesOrder.paperlessAppUrl;
  const { item, root, manual } = entry;
  let out = escapeHtmlLines(item.private_notes?.trim() ?? '');
  const uuid = root?.component.part_uuid?.trim();
  if (!manual && uuid) out += `<br>Part viewer URL: ${htmlLink(`${app}/parts/viewer/${uuid}`, 'View Drawing')}`;
  const expedite = item.expedite_revenue;
  if (expedite !== null && expedite !== undefined && !isZeroAmount(expedite)) out += `<br>Expedite: ${displayAmount(expedite)}`;
  if (order.quote_number !== null && order.quote_number !== undefined) {
    const rev = order.quote_revision_number;
    const text = `${order.quote_number}${rev === null || rev === undefined ? '' : `-${rev}`}`;
    out += `<br>Quote Number: ${htmlLink(`${app}/quotes/edit/${order.quote_number}`, text)}`;
  }
  return out;
}

function toLines(order: PaperlessOrder, items: ItemForLines[], ctx: TranslationContext): CetecImportLine[] {
  const o = ctx.options.salesOrder;
  const lines: CetecImportLine[] = [];
  for (const entry of items) {
    const { item, itemIndex, root, part } = entry;
    if (part === null) continue;
    const due = item.ships_on;
    const shipDate = daysBefore(due, o.shipDaysBeforeDue, o.shipDateSkipsWeekends);
    if (shipDate === null) {
      ctx.issues.add(`order_items[${itemIndex}].ships_on`, 'date.invalid', `order ${ctx.orderNumber}: item ${itemIndex}: ships_on ${JSON.stringify(due)} is not a calendar date`);
      continue;
    }
    const custpart = customerPart(root, o.customerPartOperation);
    lines.push({
      prcpart: part.prcpart,
      custpart,
      resale: price(item.unit_price, `item ${itemIndex}: unit_price`, ctx),
      cost: o.lineCost,
      qty: item.quantity,
      revision: root?.component.revision?.trim() ?? '',
      description: '',
      comments: item.public_notes?.trim() ?? '',
      sourcing_comments: sourcingComments(order, entry, ctx),
      due_date: due,
      ship_date: shipDate,
      wip_date: '',
      external_key: `line_${lines.length}`,
      transcode: entry.manual ? o.manualLineTranscode : o.transcode,
    });
    (item.ordered_add_ons ?? []).forEach((addOn, addOnIndex) => {
      const prcpart = (o.addOns.partPrefix + part.base).toUpperCase();
      const problem = checkPartNumber(prcpart, ctx.options.partNumbers.maxLength);
      if (problem !== null) {
        ctx.issues.add(`order_items[${itemIndex}].ordered_add_ons[${addOnIndex}]`, 'part-number.invalid', `order ${ctx.orderNumber}: item ${itemIndex}: add-on ${JSON.stringify(addOn.name ?? '')}: ${problem}`);
        return;
      }
      lines.push({
        prcpart,
        custpart,
        resale: price(addOn.price, `item ${itemIndex}: add-on ${addOnIndex}: price`, ctx),
        cost: o.lineCost,
        qty: 1,
        revision: '',
        description: addOn.name?.trim() ?? '',
        comments: addOn.notes?.trim() ?? '',
        sourcing_comments: '',
        due_date: due,
        ship_date: shipDate,
        wip_date: '',
        external_key: `line_${lines.length}`,
        transcode: o.addOns.transcode,
      });
    });
  }
  return lines;
}
