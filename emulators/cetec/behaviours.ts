/**
 * Every assumption the Cetec emulator makes, in one place.
 *
 * Cetec publishes no API reference; docs/reference/cetec.md reconstructs it from code that
 * calls it. Where the emulator must answer something no source shows, the answer is a switch here,
 * with its default and the reference item (section 9 of cetec.md unless stated) it encodes, so tests
 * can flip it and check that shopwire copes with the other reading. Change defaults only with a
 * reason written next to them.
 */
export type CetecBehaviours = {
  /** §9 item 4: answer to a missing or wrong token (no evidence). Never any side effect. */
  authFailure: 'http-401' | 'http-403' | 'http-200-success-0';
  /** §9 item 7: the first revision created for a part becomes its current revision. */
  firstRevisionBecomesCurrent: boolean;
  /** §9 item 8: reject a `prcpart` whose first three characters are not a seeded PRC. */
  prcRequired: boolean;
  /**
   * §9 item 9: `POST /api/partrevisiondefinition` without `Version: 2.0` → 400. Every evidenced
   * caller sends the header on this call (CY, PY); nothing shows Cetec refusing a call without it.
   */
  requireVersionHeader: boolean;
  /**
   * §9 item 10: a node must carry `revision_text`. PY's raw-material lines (§7.3) never do, and ran
   * in production; when off, a node without it names the part's `""` revision.
   */
  requireRevisionText: boolean;
  /**
   * §9 item 11: `qty_per_top: null` → 400. PY sends null for raw material without bar-stock
   * variables (§8 item 12), in production; when off it is accepted (recorded as null, journal warning).
   */
  rejectNullQuantity: boolean;
  /**
   * §9 item 11: accept operations with `repetitions: 0`. PY's truncation (§8 item 16) sends 0 for
   * run times under one second, in production; refusing them is the switch set to false.
   */
  acceptZeroRepetitions: boolean;
  /** §9 item 12: a location with both `lead_time` and `operations` → 400. */
  rejectLeadTimeWithOperations: boolean;
  /**
   * §9 item 15: nested nodes that carry `bom_definition` / `locations` replace that part
   * revision's BOM / labor plan (a nested node without the key leaves it untouched). When false,
   * only the root's definitions are replaced.
   */
  nestedNodesReplace: boolean;
  /**
   * §9 item 22: `ship_via` / `terms_external_key` that are not seeded SHPCDE / 9TERMS keys → the
   * order is refused. The seed example sends `net_60` (PY's own table says `net_60_c`) and 3P sends
   * terms `"1"`; nothing shows Cetec refusing an unknown key. When off: accepted, journal warning.
   */
  rejectUnknownCodes: boolean;
  /** §9 item 22: an `SA` line whose part revision has neither BOM nor labor plan: ignore, warn in the journal, or reject. */
  buildLineNeedsDefinition: 'off' | 'warn' | 'reject';
  /** §9 item 23: an order whose customer cannot be resolved is rejected (default: placeholder customer + journal warning). */
  requireCustomer: boolean;
  /** §9 item 24: unknown line parts are created by the import (PY's `ZZZ …` add-on lines need it). */
  autoCreateLineParts: boolean;
  /** §9 item 27: what a second import with an already used header `external_key` does. */
  duplicateExternalKey: 'reject' | 'return-existing' | 'allow';
  /**
   * Hub assumption, not in the reference (§6.2, §10 item 2 say no lookup by external key is
   * evidenced): `GET /api/order?external_key=<key>` returns the matching orders as a JSON array
   * `[{ordernum, quote, external_key, location, lines}]`. shopwire uses it, when configured, to
   * find out whether an import whose answer was lost took effect. When false the path answers
   * 404 like any unmodelled call.
   */
  orderLookup: boolean;
  /**
   * How the lookup answers when on (stand-ins for tenants whose real lookup differs from the hub's
   * assumption): `as-assumed` filters by key and names fields as above; `ignores-filter` answers
   * every order whatever the filter; `other-field-names` filters but names the fields
   * `ext_key`/`order_number`/`quote_number`.
   */
  orderLookupShape: 'as-assumed' | 'ignores-filter' | 'other-field-names';
  /**
   * §9 item 27 with `reject`: the refusal's words; `{key}` and `{quote}` are replaced. Cetec's real
   * wording is not evidenced; tests switch it to check the hub recognises only established words.
   */
  duplicateKeyWords: string;
  /**
   * §9 item 29: `PUT /api/part` on a part that already exists (no evidence; CY reads first or
   * tolerates a failure): `update` its description (200), or `refuse` with 400 "already exists".
   */
  partPutExisting: 'update' | 'refuse';
  /**
   * §9 item 32: what a path the emulator does not serve answers: `json-404`, or `html-login-200`
   * (a web app's login page with status 200, as a wrong base URL may get from a real host).
   */
  unmodelledAnswer: 'json-404' | 'html-login-200';
  /** §9 item 30: status of `PUT /api/customer` (3P accepts 200 or 201). */
  customerCreateStatus: 200 | 201;
};

export const DEFAULT_CETEC_BEHAVIOURS = {
  authFailure: 'http-401',
  firstRevisionBecomesCurrent: true,
  prcRequired: false,
  requireVersionHeader: false,
  requireRevisionText: false,
  rejectNullQuantity: false,
  acceptZeroRepetitions: true,
  rejectUnknownCodes: false,
  rejectLeadTimeWithOperations: true,
  nestedNodesReplace: true,
  buildLineNeedsDefinition: 'warn',
  requireCustomer: false,
  autoCreateLineParts: true,
  duplicateExternalKey: 'reject',
  orderLookup: true,
  orderLookupShape: 'as-assumed',
  duplicateKeyWords: 'external_key {key} has already been used (quote {quote})',
  partPutExisting: 'update',
  unmodelledAnswer: 'json-404',
  customerCreateStatus: 201,
} as const satisfies CetecBehaviours;

const CHOICES: Record<string, readonly unknown[]> = {
  authFailure: ['http-401', 'http-403', 'http-200-success-0'],
  buildLineNeedsDefinition: ['off', 'warn', 'reject'],
  duplicateExternalKey: ['reject', 'return-existing', 'allow'],
  orderLookupShape: ['as-assumed', 'ignores-filter', 'other-field-names'],
  partPutExisting: ['update', 'refuse'],
  unmodelledAnswer: ['json-404', 'html-login-200'],
  customerCreateStatus: [200, 201],
};

/** Checks a partial set of switches from an untrusted source (control endpoint). Throws naming the key. */
export function parseBehaviours(value: unknown): Partial<CetecBehaviours> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('behaviours: expected an object');
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (!(key in DEFAULT_CETEC_BEHAVIOURS)) throw new Error(`behaviours.${key}: unknown switch`);
    const choices = CHOICES[key];
    const expected = typeof DEFAULT_CETEC_BEHAVIOURS[key as keyof CetecBehaviours];
    if (choices ? !choices.includes(v) : typeof v !== expected) {
      throw new Error(`behaviours.${key}: ${JSON.stringify(v)} is not ${choices ? `one of ${choices.join(', ')}` : `a ${expected}`}`);
    }
    out[key] = v;
  }
  return out as Partial<CetecBehaviours>;
}

export function resolveCetecBehaviours(overrides?: Partial<CetecBehaviours>): CetecBehaviours {
  return { ...DEFAULT_CETEC_BEHAVIOURS, ...overrides };
}
