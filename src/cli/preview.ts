/**
 * `shopwire preview --file <order.json> [--profile <name>] [--json]`: translates a Paperless Parts
 * order into its Cetec plan and prints it; sends nothing. Default output is for people (each BOM
 * as an indented tree with quantities and routing, then the sales order, then warnings);
 * `--json` prints exactly `{ "steps": [...], "warnings": [...] }`, byte-identical for the same
 * input. Without a config file the built-in example configuration is used (profile "example") and
 * a note says so on stderr. Exit 2 with every problem on stderr when the order cannot be
 * translated. docs/commands/preview.md.
 */
import type { Command } from 'commander';
import { readInputFile } from './context.ts';
import { ConfigError } from '../config/errors.ts';
import { loadConfigOrNull, selectProfile } from '../config/load.ts';
import { ShopwireError } from '../lib/errors.ts';
import { redactText } from '../lib/redact.ts';
import type { CetecBomNode, CetecImportOrder, CetecLocation } from '../systems/cetec/schemas.ts';
import { DEFAULT_ORDER_TRANSLATION_OPTIONS, type OrderTranslationOptions } from '../translate/order-to-cetec/options.ts';
import { toOrderPlan } from '../translate/order-to-cetec/plan.ts';
import type { Plan } from '../translate/plan.ts';

export const EXAMPLE_PROFILE = 'example';

type PreviewFlags = { file?: string; profile?: string; json?: boolean };

export function register(program: Command): void {
  program
    .command('preview')
    .description('print the Cetec plan for a Paperless Parts order (BOMs, routing, sales order); send nothing')
    .requiredOption('-f, --file <order.json>', 'Paperless Parts order JSON (as GET /orders/public/{number} returns it); - reads stdin')
    .option('-p, --profile <name>', 'config profile whose translation options to use')
    .option('--json', 'print the plan as JSON: { "steps": [...], "warnings": [...] }')
    .action((flags: PreviewFlags, command: Command) => {
      const { options, profile } = resolveTranslation(command.optsWithGlobals().config as string | undefined, flags.profile);
      const order = readOrder(flags.file!);
      const plan = toOrderPlan(order, options, { profile });
      process.stdout.write(redactText(flags.json ? planJson(plan) : planText(plan)));
    });
}

/**
 * The one place where preview meets the config: the profile's `translation` options, or the
 * built-in example configuration when there is no config file.
 */
export function resolveTranslation(configFile: string | undefined, profileName: string | undefined): { options: OrderTranslationOptions; profile: string } {
  const config = loadConfigOrNull({ file: configFile });
  if (config === null) {
    if (profileName !== undefined && profileName !== EXAMPLE_PROFILE) {
      throw new ConfigError(`no config file, so there is no profile ${JSON.stringify(profileName)}: pass --config <file> or set SHOPWIRE_CONFIG`);
    }
    process.stderr.write('note: no config file; using the built-in example configuration (profile "example", docs/translation.md)\n');
    return { options: DEFAULT_ORDER_TRANSLATION_OPTIONS, profile: EXAMPLE_PROFILE };
  }
  const profile = selectProfile(config, profileName);
  return { options: profile.translation, profile: profile.name };
}

function readOrder(file: string): unknown {
  let text: string;
  try {
    // `-` is stdin, so an order can be piped in (`curl … | shopwire preview --file -`).
    text = readInputFile(file);
  } catch (error) {
    throw new ConfigError(`${file}: cannot read the order file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ShopwireError(`${file}: not JSON: ${(error as Error).message}`, { code: 'order.not-json', kind: 'data', where: file });
  }
}

export function planJson(plan: Plan): string {
  return `${JSON.stringify({ steps: plan.steps, warnings: plan.warnings }, null, 2)}\n`;
}

/** The readable form: BOM trees with routing, then the sales order, then warnings. */
export function planText(plan: Plan): string {
  const out: string[] = [];
  let bomCount = 0;
  for (const step of plan.steps) {
    if (step.kind === 'partrevisiondefinition') {
      bomCount++;
      out.push(`BOM ${bomCount}: ${step.body.prcpart} rev ${revision(step.body.revision_text)}  (POST /api/partrevisiondefinition)`);
      writeNode(step.body, '  ', out, true);
      out.push('');
    } else if (step.kind === 'part') {
      out.push(`Part ${step.body.prcpart}: description ${JSON.stringify(step.body.description)}  (PUT /api/part)`, '');
    } else if (step.kind === 'current-revision') {
      out.push(`Part ${step.body.prcpart}: rev ${revision(step.body.revision.revision)} becomes the current revision  (PUT /api/partrevisiondefinition)`, '');
    } else {
      for (const order of step.body) writeOrder(order, out);
    }
  }
  out.push(plan.warnings.length === 0 ? 'Warnings: none' : `Warnings (${plan.warnings.length}):`);
  for (const w of plan.warnings) out.push(`  ! [${w.code}] ${w.message}`);
  return `${out.join('\n')}\n`;
}

function revision(text: string): string {
  return text === '' ? '(none)' : text;
}

function writeNode(node: CetecBomNode, indent: string, out: string[], isRoot: boolean): void {
  if (!isRoot) {
    const raw = node.component !== undefined ? '  [raw material]' : '';
    out.push(`${indent}${node.qty_per_top} × ${node.prcpart}${node.revision_text ? ` rev ${node.revision_text}` : ''}${raw}`);
  }
  const inner = isRoot ? indent : `${indent}    `;
  for (const location of node.locations ?? []) out.push(`${inner}${routingLine(location)}`);
  for (const child of node.bom_definition ?? []) writeNode(child, inner, out, false);
}

function routingLine(location: CetecLocation): string {
  if (location.lead_time !== undefined && location.operations === undefined) {
    return `@${location.build_order} ${location.location_external_key}: outside service, lead time ${location.lead_time} d`;
  }
  const ops = (location.operations ?? []).map((op) => {
    const what = op.setup ? 'setup' : 'run';
    const notes = op.instructions.length > 0 ? ` "${op.instructions.map((i) => i.instruction.replace(/\s+/g, ' ')).join(' / ')}"` : '';
    return `#${op.place_in_line} ${what} ${op.repetitions} s${notes}`;
  });
  return `@${location.build_order} ${location.location_external_key}: ${ops.join(', ')}`;
}

function writeOrder(order: CetecImportOrder, out: string[]): void {
  out.push(`Sales order ${order.external_key}  (POST /importjson/quotes, place_order ${order.place_order})`);
  const field = (label: string, value: string | undefined): void => {
    if (value !== undefined && value !== '') out.push(`  ${label.padEnd(16)} ${value}`);
  };
  field('location', order.location);
  field('customer', `${order.customer_name}${order.customer_custnum ? ` (${order.customer_custnum})` : ''}`);
  field('ship to', joinAddress(order.shipto_name, order.shipto_address_1, order.shipto_address_2, order.shipto_city, order.shipto_state, order.shipto_zip));
  field('bill to', joinAddress(order.billto_name, order.billto_address_1, order.billto_address_2, order.billto_city, order.billto_state, order.billto_zip));
  field('ship via', order.ship_via || '(customer default)');
  field('shipping instr.', order.shipping_instructions);
  field('po', order.po);
  field('terms', order.terms_external_key ?? order.terms_description);
  if (order.payment_type_id !== undefined) field('prepayment', `type ${order.payment_type_id}, ${order.prepayment_amount ?? ''}, ref ${order.prepayment_ref ?? ''}`);
  field('tax', `${order.tax_collected} (taxtype ${order.customer_taxtype})`);
  field('commission', order.commission_note);
  field('comments', order.internal_comments);
  out.push('  lines:');
  for (const line of order.lines) {
    out.push(`    ${line.external_key.padEnd(7)} ${line.transcode}  ${line.qty} × ${line.prcpart}${line.revision ? ` rev ${line.revision}` : ''} @ ${line.resale}  due ${line.due_date || '-'} ship ${line.ship_date || '-'}${line.description ? `  "${line.description}"` : ''}${line.custpart ? `  cust ${line.custpart}` : ''}`);
  }
  out.push('');
}

function joinAddress(...parts: string[]): string {
  return parts.filter((p) => p !== '').join(', ');
}
