/**
 * Paperless Parts wire shapes the client reads (reference §5), other than the Order document
 * (order-schema.ts). Lenient on input as the reference §9.18 advises: unknown keys pass through,
 * fields the fixtures show as sometimes absent are optional. Events are normalised so callers see
 * one spelling of the action keys (§5.3: `uuid`/`type` in PPI, `action_uuid`/`action_type` in FX).
 */
import { z } from 'zod';

export const ACTION_STATUSES = ['queued', 'in_progress', 'completed', 'failed', 'cancelled', 'timed_out'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];
export const TERMINAL_ACTION_STATUSES: readonly ActionStatus[] = ['completed', 'failed', 'cancelled', 'timed_out'];

/** PPI cuts status messages to 250 characters; the emulator enforces it (an assumption, §5.4). */
export const STATUS_MESSAGE_MAX = 250;

export const EVENT_TYPES = {
  orderCreated: 'order.created',
  orderStatusChanged: 'order.status_changed',
  actionRequested: 'integration_action.requested',
  integrationTurnedOn: 'integration.turned_on',
  integrationTurnedOff: 'integration.turned_off',
} as const;

const nullableString = z.string().nullable().optional();

export const managedIntegrationSchema = z.looseObject({
  uuid: z.string(),
  erp_name: z.string(),
  is_active: z.boolean(),
  erp_version: nullableString,
  integration_version: nullableString,
});
export type ManagedIntegration = z.infer<typeof managedIntegrationSchema>;

/**
 * `entity_id` is a string on the wire (FX "52"); numbers are accepted and turned into strings.
 * Paperless Parts' help article shows a `requested` action whose `entity_id` is null: null is read
 * as it is (discovery quarantines such an action instead of failing to read it).
 */
const entityId = z.union([z.string(), z.number()]).transform((v) => String(v)).nullable().optional().transform((v) => v ?? null);

export const integrationActionSchema = z.looseObject({
  uuid: z.string(),
  type: z.string(),
  entity_id: entityId,
  /** Any text: OA1's six values plus `requested` (help article); an unknown one is data, not an unreadable action. */
  status: z.string(),
  status_message: nullableString,
  created: z.string(),
  updated: z.string(),
  last_checkin: nullableString,
  current_record_count: z.number().int().nullable().optional(),
  related_object_type: nullableString,
  related_object: nullableString,
});
export type IntegrationAction = z.infer<typeof integrationActionSchema>;

export const actionErrorSchema = z.looseObject({
  uuid: z.string(),
  integration_action_uuid: z.string(),
  reference_id: nullableString,
  error_message: z.string(),
  cause: nullableString,
});
export type ActionErrorRecord = z.infer<typeof actionErrorSchema>;

export const paymentTermsSchema = z.looseObject({
  id: z.number().int(),
  label: z.string(),
  period: z.number().int().nullable().optional(),
  erp_code: nullableString,
});
export type PaymentTerms = z.infer<typeof paymentTermsSchema>;

export const customTableSchema = z.looseObject({
  name: z.string(),
  columns: z.array(z.string()).optional(),
  rows: z.array(z.record(z.string(), z.unknown())),
});
export type CustomTable = z.infer<typeof customTableSchema>;

/** A list of order numbers; an element that is not one is dropped (one bad element must not hide the rest). */
export const orderNumbersSchema = z
  .array(z.unknown())
  .transform((items) => items.filter((n): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n > 0));

export const orderGroupPageSchema = z.looseObject({
  results: z.array(z.looseObject({ number: z.number().int().positive() })),
});

export function paginatedSchema<T extends z.ZodType>(item: T) {
  return z.looseObject({
    count: z.number().int(),
    next: z.string().nullable(),
    previous: z.string().nullable().optional(),
    results: z.array(item),
  });
}

export const rawEventSchema = z.looseObject({
  uuid: z.string(),
  type: z.string(),
  created: z.string(),
  data: z.record(z.string(), z.unknown()).nullable().optional(),
  related_object_type: nullableString,
  related_object: nullableString,
});
export type RawEvent = z.infer<typeof rawEventSchema>;

/** One event with the drifting keys resolved; `problems` says what could not be read (the event is kept). */
export type PaperlessEvent = {
  uuid: string;
  type: string;
  created: string;
  data: Record<string, unknown>;
  relatedObjectType: string | null;
  relatedObject: string | null;
  /** integration_action.requested: `data.uuid ?? data.action_uuid`. */
  actionUuid: string | null;
  /** integration_action.requested: `data.type ?? data.action_type`. */
  actionType: string | null;
  /** integration_action.requested: `data.entity_id` as sent (a string). */
  entityId: string | null;
  /** The order the event is about: `entity_id` of an export_order action, `data.number` of order events. */
  orderNumber: number | null;
  problems: string[];
};

const POSITIVE_INT = /^[1-9]\d{0,15}$/;

function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

export function normaliseEvent(raw: RawEvent): PaperlessEvent {
  const data = raw.data ?? {};
  const problems: string[] = [];
  let actionUuid: string | null = null;
  let actionType: string | null = null;
  let entityId: string | null = null;
  let orderNumber: number | null = null;

  if (raw.type === EVENT_TYPES.actionRequested) {
    actionUuid = str(data.uuid) ?? str(data.action_uuid);
    actionType = str(data.type) ?? str(data.action_type);
    entityId = typeof data.entity_id === 'number' ? String(data.entity_id) : str(data.entity_id);
    if (actionUuid === null) problems.push('data.uuid / data.action_uuid missing');
    if (actionType === null) problems.push('data.type / data.action_type missing');
    if (actionType === 'export_order') {
      if (entityId !== null && POSITIVE_INT.test(entityId)) orderNumber = Number(entityId);
      else problems.push(`data.entity_id ${JSON.stringify(data.entity_id)} is not an order number`);
    }
  } else if (raw.type === EVENT_TYPES.orderCreated || raw.type === EVENT_TYPES.orderStatusChanged) {
    const n = data.number;
    if (typeof n === 'number' && Number.isInteger(n) && n > 0) orderNumber = n;
    else if (typeof n === 'string' && POSITIVE_INT.test(n)) orderNumber = Number(n);
    else problems.push(`data.number ${JSON.stringify(n)} is not an order number`);
  }

  return {
    uuid: raw.uuid,
    type: raw.type,
    created: raw.created,
    data,
    relatedObjectType: raw.related_object_type ?? null,
    relatedObject: raw.related_object ?? null,
    actionUuid,
    actionType,
    entityId,
    orderNumber,
    problems,
  };
}

/** Poll page (SDK shape); a bare array (OA1's description) is accepted too. */
export const pollPageSchema = z.union([
  z.looseObject({ results: z.array(z.unknown()), has_more_events: z.boolean().optional() }),
  z.array(z.unknown()),
]);
