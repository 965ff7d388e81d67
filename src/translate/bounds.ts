/**
 * The last check of a plan before it is stored or sent: every value that would reach Cetec is
 * within the bounds of src/systems/cetec/limits.ts. Shared by the order and design translations.
 *
 * - Numbers: finite, and per field within range (line quantity, quantity per parent,
 *   repetitions, lead time, positions). No Infinity (JSON would send `null`), no 3.6e15 seconds.
 * - Money (`resale`, `cost`, `tax_collected`): a decimal string, not negative, at most MAX_AMOUNT.
 * - Text: a lone UTF-16 surrogate (not valid Unicode; not encodable as UTF-8) is refused in an
 *   identifier and replaced by U+FFFD elsewhere (with a warning). Identifiers and short fields
 *   longer than SHORT_TEXT are refused; free text longer than LONG_TEXT is cut, at a point that
 *   splits no HTML entity, tag or surrogate pair, and ends with TRUNCATION_MARK (with a warning).
 * - BOM trees: at most MAX_BOM_DEPTH levels (the translations stop earlier with a better message;
 *   this is the guard for any plan).
 *
 * The walk is iterative: no input depth can overflow the stack here. Strings it repairs are
 * replaced in place in the plan it is given.
 */
import { Decimal } from 'decimal.js';
import type { CetecBomNode } from '../systems/cetec/schemas.ts';
import {
  FREE_TEXT_FIELDS,
  IDENTIFIER_FIELDS,
  LONG_TEXT,
  MAX_AMOUNT,
  MAX_BOM_DEPTH,
  MAX_LEAD_TIME_DAYS,
  MAX_LINE_QUANTITY,
  MAX_POSITION,
  MAX_QTY_PER_TOP,
  MAX_REPETITIONS,
  MONEY_FIELDS,
  SHORT_TEXT,
} from '../systems/cetec/limits.ts';
import type { PlanStep, PlanWarning } from './plan.ts';

export const TRUNCATION_MARK = ' … [cut by shopwire: longer than Cetec takes]';

export type BoundsProblem = { code: string; where: string; message: string };

type Obj = Record<string, unknown>;

const DECIMAL = /^-?\d+(\.\d+)?$/;

/** Number rules per field: [min, max, integer]. */
const NUMBER_RULES: Record<string, [number, number, boolean]> = {
  qty: [1, MAX_LINE_QUANTITY, true],
  qty_per_top: [Number.MIN_VALUE, MAX_QTY_PER_TOP, false],
  repetitions: [1, MAX_REPETITIONS, true],
  lead_time: [0, MAX_LEAD_TIME_DAYS, false],
  build_order: [1, MAX_POSITION, true],
  place_in_line: [1, MAX_POSITION, true],
  component: [1, MAX_POSITION, true],
};

/** Checks (and where documented, repairs) a plan's steps. Returns problems; adds warnings. */
export function checkPlanBounds(steps: readonly PlanStep[], warnings: PlanWarning[]): BoundsProblem[] {
  const problems: BoundsProblem[] = [];
  const check = new FieldChecker(problems, warnings);
  for (const step of steps) {
    if (step.kind === 'partrevisiondefinition') checkTree(step.body, check, problems);
    else if (step.kind === 'part') check.fields(step.body as unknown as Obj, `part ${step.body.prcpart}`);
    else if (step.kind === 'current-revision') check.fields({ prcpart: step.body.prcpart, revision: step.body.revision.revision } as unknown as Obj, `current revision of ${step.body.prcpart}`);
    else {
      step.body.forEach((order, o) => {
        const where = step.body.length === 1 ? 'sales order' : `sales order ${o + 1}`;
        check.fields(order as unknown as Obj, where);
        order.lines.forEach((line, i) => check.fields(line as unknown as Obj, `${where} › line ${i + 1} (${line.prcpart})`));
      });
    }
  }
  return problems;
}

function checkTree(root: CetecBomNode, check: FieldChecker, problems: BoundsProblem[]): void {
  const stack: Array<{ node: CetecBomNode; where: string; depth: number }> = [{ node: root, where: `BOM of ${root.prcpart}`, depth: 1 }];
  let tooDeep = false;
  while (stack.length > 0) {
    const { node, where, depth } = stack.pop()!;
    check.fields(node as unknown as Obj, where);
    (node.locations ?? []).forEach((location, l) => {
      const at = `${where} › location ${l + 1} (${location.location_external_key})`;
      check.fields(location as unknown as Obj, at);
      (location.operations ?? []).forEach((op, o) => {
        const opAt = `${at} › operation ${o + 1}`;
        check.fields(op as unknown as Obj, opAt);
        op.instructions.forEach((instruction, i) => check.fields(instruction as unknown as Obj, `${opAt} › instruction ${i + 1}`));
      });
    });
    const children = node.bom_definition ?? [];
    if (children.length === 0) continue;
    if (depth >= MAX_BOM_DEPTH) {
      if (!tooDeep) {
        tooDeep = true;
        problems.push({ code: 'bom.too-deep', where, message: `the BOM tree is more than ${MAX_BOM_DEPTH} levels deep` });
      }
      continue;
    }
    for (let i = children.length - 1; i >= 0; i--) {
      const child = children[i]!;
      stack.push({ node: child, where: `${where} › ${child.prcpart || `line ${i + 1}`}`, depth: depth + 1 });
    }
  }
}

class FieldChecker {
  private readonly problems: BoundsProblem[];
  private readonly warnings: PlanWarning[];
  constructor(problems: BoundsProblem[], warnings: PlanWarning[]) {
    this.problems = problems;
    this.warnings = warnings;
  }

  /** Checks the scalar fields of one object (nested arrays and objects are walked by the caller). */
  fields(obj: Obj, where: string): void {
    for (const [key, value] of Object.entries(obj)) {
      if (typeof value === 'string') {
        const repaired = this.text(key, value, where);
        if (repaired !== value) obj[key] = repaired;
      } else if (typeof value === 'number') this.number(key, value, where);
    }
  }

  private problem(code: string, where: string, message: string): void {
    this.problems.push({ code, where, message });
  }

  private number(key: string, value: number, where: string): void {
    if (!Number.isFinite(value)) {
      this.problem('number.not-finite', `${where} › ${key}`, `${key} is ${value}, not a finite number (JSON would send null)`);
      return;
    }
    const rule = NUMBER_RULES[key];
    if (rule === undefined) return;
    const [min, max, integer] = rule;
    if (integer && !Number.isInteger(value)) this.problem('number.not-whole', `${where} › ${key}`, `${key} is ${value}, not a whole number`);
    else if (value < min) this.problem('number.too-small', `${where} › ${key}`, `${key} is ${value}, below the least Cetec takes (${min === Number.MIN_VALUE ? 'more than 0' : min})`);
    else if (value > max) this.problem('number.too-large', `${where} › ${key}`, `${key} is ${value}, above the most shopwire sends to Cetec (${max}; src/systems/cetec/limits.ts)`);
  }

  private text(key: string, value: string, where: string): string {
    let text = value;
    if (!text.isWellFormed()) {
      if (IDENTIFIER_FIELDS.has(key)) {
        this.problem('text.lone-surrogate', `${where} › ${key}`, `${key} contains a lone UTF-16 surrogate (not a valid character), so it cannot be sent as written`);
        return text;
      }
      text = text.toWellFormed();
      this.warnings.push({ code: 'text.replaced', message: `${where} › ${key}: an invalid character (lone UTF-16 surrogate) was replaced by U+FFFD` });
    }
    if (MONEY_FIELDS.has(key)) this.money(key, text, where);
    if (FREE_TEXT_FIELDS.has(key)) {
      if (text.length > LONG_TEXT) {
        this.warnings.push({ code: 'text.cut', message: `${where} › ${key}: ${text.length} characters, cut to ${LONG_TEXT} (the most shopwire sends to Cetec in a free-text field)` });
        text = cutText(text, LONG_TEXT);
      }
    } else if (text.length > SHORT_TEXT) {
      this.problem('text.too-long', `${where} › ${key}`, `${key} is ${text.length} characters, longer than the ${SHORT_TEXT} shopwire sends to Cetec in this field`);
    }
    return text;
  }

  private money(key: string, value: string, where: string): void {
    if (!DECIMAL.test(value)) {
      this.problem('amount.invalid', `${where} › ${key}`, `${key} ${JSON.stringify(value)} is not a decimal amount`);
      return;
    }
    const amount = new Decimal(value);
    if (amount.isNegative() && !amount.isZero()) this.problem('amount.negative', `${where} › ${key}`, `${key} is ${value}: a negative amount is not sent to Cetec (fix the order, or enter the discount in Cetec)`);
    else if (amount.gt(MAX_AMOUNT)) this.problem('amount.too-large', `${where} › ${key}`, `${key} is ${value}, above the most shopwire sends to Cetec (${MAX_AMOUNT})`);
  }
}

/** `text` cut to at most `max` characters including TRUNCATION_MARK, splitting no entity, tag or surrogate pair. */
export function cutText(text: string, max: number): string {
  let end = max - TRUNCATION_MARK.length;
  // Never end between the halves of a surrogate pair.
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  let head = text.slice(0, end);
  // Never end inside an HTML entity (`&amp;`) or tag (`<br>`): the fields carry escaped HTML.
  const amp = head.lastIndexOf('&');
  if (amp !== -1 && head.indexOf(';', amp) === -1 && head.length - amp <= 10) head = head.slice(0, amp);
  const lt = head.lastIndexOf('<');
  if (lt !== -1 && head.indexOf('>', lt) === -1 && head.length - lt <= 200) head = head.slice(0, lt);
  return head + TRUNCATION_MARK;
}
