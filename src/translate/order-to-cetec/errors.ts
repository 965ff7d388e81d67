/**
 * Problems found while validating or translating an order. Translation does not stop at the first
 * problem: every issue is collected (each with the JSON path of the field and a sentence naming
 * the order, item and component) and thrown together, so a person fixes the order in one pass.
 */
import { ShopwireError } from '../../lib/errors.ts';

export type OrderIssue = {
  /** JSON path into the Paperless order, e.g. `order_items[0].components[6].shop_operations[2]`. */
  path: string;
  message: string;
  /** Stable code, e.g. `operation.unmapped`, `part-number.collision`; `schema` for shape problems. */
  code?: string;
};

export const ORDER_ERROR_CODES = {
  invalid: 'order.invalid',
  untranslatable: 'order.untranslatable',
} as const;

export class OrderTranslationError extends ShopwireError {
  readonly issues: OrderIssue[];
  readonly orderNumber: number | null;

  constructor(code: (typeof ORDER_ERROR_CODES)[keyof typeof ORDER_ERROR_CODES], orderNumber: number | null, issues: OrderIssue[]) {
    const name = orderNumber === null ? 'order (number unknown)' : `order ${orderNumber}`;
    const what = code === ORDER_ERROR_CODES.invalid ? 'is not a valid Paperless Parts order' : 'cannot be translated for Cetec';
    const lines = issues.map((i) => `  - ${i.path || '(document)'}: ${i.message}`);
    super(`${name} ${what} (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${lines.join('\n')}`, {
      code,
      kind: 'data',
      where: name,
      details: {
        order: orderNumber,
        issues,
        // The dashboard's previewer lists `problems` ({code, where, message}).
        problems: issues.map((i) => ({ code: i.code ?? code, where: `${name} › ${i.path}`, message: i.message })),
      },
    });
    this.issues = issues;
    this.orderNumber = orderNumber;
  }
}

/** Collects issues during one translation. */
export class IssueList {
  readonly items: OrderIssue[] = [];

  add(path: string, code: string, message: string): void {
    this.items.push({ path, code, message });
  }

  get empty(): boolean {
    return this.items.length === 0;
  }
}
