/**
 * Every default of the config file in one literal. `schema.ts` applies them; `docs/configuration.md`
 * lists them. Tenant-specific values (Cetec location, internal ids, mapping tables) live in the
 * translation options (src/translate/order-to-cetec/options.ts), whose defaults are the seed's
 * example shop.
 */
export const CONFIG_DEFAULTS = {
  paperless: {
    baseUrl: 'https://api.paperlessparts.com',
    tokenEnv: 'PAPERLESS_TOKEN',
    timeoutMs: 30_000,
    ratePerMinute: 90,
  },
  cetec: {
    tokenEnv: 'CETEC_TOKEN',
    importSourceName: 'PAPERLESS',
    timeoutMs: 60_000,
    concurrency: 4,
    ratePerSecond: 10,
    /** What the operator expects a reused external_key to do (informational: the engine uses only what the self-test established). */
    duplicateExternalKey: 'unknown',
    /** Whether the operator expects GET /api/order?external_key= to work (informational, as above; cetec.md 6.2: not evidenced). */
    orderLookup: false,
    /** Only a sandbox tenant receives the self-test's test order. */
    sandbox: false,
  },
  schedule: {
    everyMinutes: 5,
    heartbeatMinutes: 3,
    /** First run: export orders numbered above this one (0 = every order the account has). */
    startAfterOrder: 0,
  },
  retry: {
    maxAttempts: 8,
    baseDelayMs: 30_000,
    maxDelayMs: 30 * 60_000,
  },
  heal: { probeSeconds: 30, maxProbeSeconds: 900 },
  retention: { days: 90, auditDays: 365 },
  store: { sqlite: './data/shopwire.db' },
  server: {
    host: '127.0.0.1',
    port: 8080,
    limits: { headersSeconds: 10, requestSeconds: 60, keepAliveSeconds: 5, idleSeconds: 120, connectionsPerAddress: 64 },
  },
} as const;
