/**
 * What every step of one order's translation shares: the options, where to report issues and
 * warnings, the part-number registry, and helpers that name places in the order.
 */
import type { PlanWarning } from '../plan.ts';
import type { PaperlessComponent } from '../../systems/paperless/order-schema.ts';
import type { OrderTranslationOptions } from './options.ts';
import { IssueList } from './errors.ts';
import { PartNumberRegistry } from './part-number.ts';

export type TranslationContext = {
  orderNumber: number;
  profile: string;
  options: OrderTranslationOptions;
  issues: IssueList;
  warnings: PlanWarning[];
  partNumbers: PartNumberRegistry;
};

export function createContext(orderNumber: number, profile: string, options: OrderTranslationOptions): TranslationContext {
  return { orderNumber, profile, options, issues: new IssueList(), warnings: [], partNumbers: new PartNumberRegistry() };
}

/** One component in its item: where it sits in the document, for paths and messages. */
export type ComponentRef = {
  component: PaperlessComponent;
  itemIndex: number;
  /** Index in the item's `components` array. */
  index: number;
};

export function componentPath(ref: ComponentRef): string {
  return `order_items[${ref.itemIndex}].components[${ref.index}]`;
}

/** "component 114390 (Bottom Block.step) of item 0" — how messages name a component. */
export function describeComponent(ref: ComponentRef): string {
  const c = ref.component;
  const label = c.part_number?.trim() || c.part_name?.trim();
  return `component ${c.id}${label ? ` (${label})` : ''} of item ${ref.itemIndex}`;
}
