/**
 * Every assumption shopwire makes about CableBuilder's ERP Integration API, in one place.
 *
 * The Technical Guide is silent, loose or self-contradictory in places; the reference
 * (docs/reference/cablebuilder.md, section 13) names each decision `[A-nn]`. The ones that
 * change behaviour are switches here, with their default and id, so a person with access to a real
 * CableBuilder can flip one and see whether shopwire (client, receiver, emulator) copes with the
 * other reading. The emulator reads its switches from this object too (emulators/cablebuilder/).
 * docs/cablebuilder.md carries the same table for readers.
 *
 * Fixed assumptions (no switch, because only one reading makes sense for us) are listed in
 * `FIXED_ASSUMPTIONS` so that nothing the code depends on is undocumented.
 */

export type DesignCodeRule = 'strict' | 'lenient';
export type ValidityCheck = 'ignore' | 'mustBeTrue' | 'mustBeFalse';

export type CableBuilderAssumptions = {
  /** Design-code space rule: `strict` (R1: any whitespace refused) or `lenient` (R2: runs of 2+ spaces and all-blank refused). */
  designCodeRule: DesignCodeRule;
  /** Code lookups (design, plant, standard, process, resource) ignore case. */
  caseInsensitiveCodes: boolean;
  /** J4: an unknown field anywhere in a request body is a JsonException (emulator). */
  strictJson: boolean;
  /** The emulator refuses the key `layercode` (JsonException); the hub's receiver accepts it as `layer`. */
  receiverAcceptsLayercode: boolean;
  /** The hub's receiver accepts numeric strings where integers are expected (S4). */
  receiverAcceptsNumericStrings: boolean;
  /** The hub's receiver accepts an array body (each element one design). */
  receiverAcceptsArray: boolean;
  /** Update rule 3: attributes not in the ERP mapping cannot be updated. */
  updateRequiresMapping: boolean;
  /** [DOC-AD] Update rule 4: primary attributes are read-only on an active design. */
  activeDesignAlternatives: boolean;
  /** Create rolls back a half-built design when it fails. */
  createRollback: boolean;
  /** Validity checks that make `detail.valid`; failures are listed in `detail.errors`. */
  validity: {
    approved: ValidityCheck;
    active: ValidityCheck;
    inERP: ValidityCheck;
    inDate: ValidityCheck;
    /** Passing `validationFormulaResult` values; null = ignore the formula. */
    validationFormula: readonly string[] | null;
  };
  /** Send Design driver: timeout of one send (ms); there is no automatic retry. */
  sendTimeoutMs: number;
  /** Send Design driver: send designs whose `valid` is false. */
  sendInvalid: boolean;
  /** Deepest BOM nesting before the emulator calls it a cycle (500 Exception). */
  maxBomDepth: number;
  /** [P-11] Client timeouts: single-level Get, Update and Create; multi-level Get. */
  clientTimeoutMs: number;
  clientMultiLevelTimeoutMs: number;
  /** Emulator's date formats: create fields `yyyy-MM-dd HH:mm:ss.S`, last update `dd-MMM-yyyy`. */
  dateStyle: 'guide-sample';
  /** [A-12] `active` compares header attribute `status` with this exact value. */
  activeStatusValue: string;
  /** API user recorded for changes made through the API (emulator). */
  apiUser: string;
  /**
   * The `message` of a 500 answer carries a Java stack trace after the detail (the guide:
   * "May include stack trace information if the error was an internal server error 500"). The
   * emulator then emits a few kilobytes of `\n\tat …` frames; clients must keep the exception name.
   */
  stackTraceOn500: boolean;
};

export const DEFAULT_ASSUMPTIONS = {
  designCodeRule: 'strict',
  caseInsensitiveCodes: false,
  strictJson: true,
  receiverAcceptsLayercode: true,
  receiverAcceptsNumericStrings: true,
  receiverAcceptsArray: true,
  updateRequiresMapping: false,
  activeDesignAlternatives: true,
  createRollback: true,
  validity: { approved: 'ignore', active: 'ignore', inERP: 'ignore', inDate: 'mustBeTrue', validationFormula: [''] },
  sendTimeoutMs: 60_000,
  sendInvalid: true,
  maxBomDepth: 64,
  clientTimeoutMs: 30_000,
  clientMultiLevelTimeoutMs: 120_000,
  dateStyle: 'guide-sample',
  activeStatusValue: 'Active',
  apiUser: 'erp',
  stackTraceOn500: true,
} as const satisfies CableBuilderAssumptions;

export function resolveAssumptions(overrides: Partial<CableBuilderAssumptions> | undefined): CableBuilderAssumptions {
  return { ...DEFAULT_ASSUMPTIONS, ...overrides };
}

/** Assumptions without a switch: the code simply follows them. Id → what we assume. */
export const FIXED_ASSUMPTIONS = {
  'A-00': 'emulator strict on input, conservative on output; the hub receiver is lenient',
  'A-01': 'bodies are UTF-8 JSON',
  'A-02': 'the emulator does not require a Content-Type header',
  'A-03': 'good answers are HTTP 200',
  'A-04': 'no authentication is documented; client and receiver credentials are optional configuration',
  'A-05': 'the base URL (including the `live` context) is configuration',
  'A-06': 'endpoint paths are exact and case-sensitive, no trailing slash; query strings ignored',
  'A-07': 'container-made 404/405 may not be JSON: the client classifies by status when the body does not parse',
  'A-10': 'Get and Update work on the current version of an alternative',
  'A-11': '`approved` is stored per version',
  'A-13': '`inDate` is true when header `outOfDate` is numerically 0 or absent',
  'A-14': 'the validation formula result is stored text, never evaluated',
  'A-15': '`errors` arrays hold strings',
  'A-17': 'the guide sample’s trailing comma and the word "details" are typos',
  'A-18': 'attribute types are an open set; unknown types are text',
  'A-19': 'Create answers with detail, attribute metadata, success and message filled in',
  'A-20': 'numbers in values use a decimal point and no grouping',
  'A-21': '`null` and `""` both mean no value; `null` in Update clears',
  'A-22': '`plant` in Update addresses the design’s own plant',
  'A-23': 'operation 0 holds items tied to no routing step (it yields no routing location)',
  'A-24': 'only mapped sections and attributes appear; missing arrays mean empty',
  'A-25': 'error `message` is `<ExceptionName> - <detail>`',
  'A-26': 'non-key `detail` fields are ignored in Update and Create requests',
  'A-27': 'naming fields (resourceName, processName) are ignored by Update',
  'A-28': 'error `timestamp` is `YYYY-MM-DDTHH:mm:ss.SSS`; `path` optional',
  'A-30': 'in Create every present section is to be created, so its keys are required',
  'A-32': 'the first `standard` header attribute counts',
  'A-33': 'a missing or malformed BOMitem/BOMdesignAlternative is BomDesignDoesNotExistException',
  'A-34': 'Create’s existence test is on (design, designAlternative)',
  'A-36': 'a Send Design body is one design with level 0 and order 0',
  'A-37': '`uploaded` becomes 2 after `success: true`, 1 after a failure, 0 when never sent',
  'A-38': 'an `update` in a Send Design answer must name its design; its results stay in CableBuilder',
  'A-39': '`singleLevel: true` answers a one-element array',
  'A-40': '404 and 405 are decided before the body is read',
  'A-41': 'multi-level order: breadth-first numbering, lexicographic (level, order) maximum, sorted descending',
  'A-42': 'Update processing: checks first, then attributes in document order, failures do not stop the rest',
  'A-43': 'Update answer: failures in `detail.errors` as `<location>: <name>: <message>`, positional echo',
  'A-44': 'the emulator’s attribute message vocabulary is invented; clients rely on `success` only',
  'A-45': 'checks run in the guide’s table order, one full pass each',
  'A-46': 'Create processing: checks, then build version 0, then set values as Update would',
  'A-49': 'the emulator logs every call in either direction',
} as const;
