/**
 * Seeding the emulator's account from the Paperless Parts fixtures (reference §10): the two real
 * orders (179 and the older 72), the account, its contacts, payment terms and the managed
 * integration. Fixture files are read, never changed; orders keep their exact text.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { putOrder } from './state.ts';
import type { CustomTable, JsonObject, ManagedIntegration, PaperlessState } from './state.ts';

/** The repository's copy of the SDK fixtures (fixtures/paperless/README.md). */
export const FIXTURE_DIR_CANDIDATES = [resolve(import.meta.dirname, '../../fixtures/paperless')];

export function findFixturesDir(explicit?: string): string {
  const dirs = explicit === undefined ? FIXTURE_DIR_CANDIDATES : [explicit];
  const found = dirs.find((d) => existsSync(join(d, 'order.json')));
  if (found === undefined) throw new Error(`Paperless fixtures not found (looked in ${dirs.join(', ')})`);
  return found;
}

export const FIXTURE_ORDER_FILES = ['minimal_order.json', 'order.json'] as const;

export type SeedInput = {
  fixturesDir: string;
  integrationUuid: string;
  /** Orders to use instead of the fixture orders (undefined = fixtures). */
  orders?: JsonObject[];
  customTables?: CustomTable[];
};

export function seedState(state: PaperlessState, input: SeedInput): void {
  const dir = input.fixturesDir;
  const text = (file: string) => readFileSync(join(dir, file), 'utf8');
  const json = (file: string) => JSON.parse(text(file)) as unknown;

  if (input.orders === undefined) {
    for (const file of FIXTURE_ORDER_FILES) {
      const raw = text(file);
      putOrder(state, JSON.parse(raw) as JsonObject, raw);
    }
  } else {
    for (const order of input.orders) putOrder(state, structuredClone(order), null);
  }

  const integration = json('managed_integration.json') as JsonObject;
  const record: ManagedIntegration = {
    uuid: input.integrationUuid,
    erp_name: String(integration.erp_name),
    is_active: integration.is_active === true,
    erp_version: (integration.erp_version as string | null) ?? null,
    integration_version: (integration.integration_version as string | null) ?? null,
    create_integration_action_after_creating_new_order: false,
    create_integration_action_after_quote_sent: false,
  };
  state.integrations.set(record.uuid, record);

  state.paymentTerms = json('payment_terms_list.json') as JsonObject[];
  // The full account record (account.json) plus the other accounts of the list fixture.
  const account = json('account.json') as JsonObject;
  const accountList = (json('account_list.json') as { results: JsonObject[] }).results;
  state.accounts = [account, ...accountList.filter((a) => a.id !== account.id)];
  const contact = json('contact.json') as JsonObject;
  const contactList = (json('contact_list.json') as { results: JsonObject[] }).results;
  state.contacts = [contact, ...contactList.filter((c) => c.id !== contact.id)];

  // The orders' own accounts (FX: "Outside Firm", 1986) are not in the account fixtures; derive
  // them from the order so `accounts/public/{contact.account.id}` answers for seeded orders.
  for (const order of state.orders.values()) {
    const acc = (order.doc.contact as { account?: JsonObject | null } | undefined)?.account;
    if (acc && typeof acc.id === 'number' && !state.accounts.some((a) => a.id === acc.id)) {
      state.accounts.push({ ...acc, type: 'customer', tax_exempt: false, tax_rate: null, billing_addresses: [] });
    }
  }

  // Every account and contact answers its record in the full shape of account.json / contact.json
  // (the list fixtures and the orders carry fewer keys); what a capture does not say is null.
  state.accounts = state.accounts.map((a) => complete(a, account));
  state.contacts = state.contacts.map((c) => complete(c, contact));

  for (const table of input.customTables ?? []) state.customTables.set(table.name, structuredClone(table));
}

/** `row` with every key of `shape` it lacks: arrays empty, booleans false, everything else null. */
function complete(row: JsonObject, shape: JsonObject): JsonObject {
  const out: JsonObject = { ...row };
  for (const [key, value] of Object.entries(shape)) {
    if (key in out) continue;
    out[key] = Array.isArray(value) ? [] : typeof value === 'boolean' ? false : null;
  }
  return out;
}
