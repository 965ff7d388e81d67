/**
 * A server for tests: the real config loader over a small YAML file, one dashboard user, an API
 * token, the in-memory port seeded with fixture jobs, and a clock the test controls.
 */
import type { FastifyInstance, FastifyPluginAsync, LightMyRequestResponse } from 'fastify';
import { parseConfig } from '../../src/config/load.ts';
import { silentLogger } from '../../src/lib/log.ts';
import { createMetrics, type Metrics } from '../../src/lib/metrics.ts';
import { createServer } from '../../src/server/app.ts';
import { dashboardSettingsSchema, hashPassword, resolveAuthSettings, type AuthSettings, type DashboardSettingsInput } from '../../src/server/settings.ts';
import { createMemoryPort, type MemoryPort } from './memory-port.ts';
import { REGISTERED_CANARY, seedPort } from './fixture-jobs.ts';

export const USER = 'admin';
export const PASSWORD = 'correct horse battery';
export const API_TOKEN = 'api-token-5b2c8e1f9a7d3c6e';
// Cheap scrypt cost in tests (the format records the cost; verify reads it back).
export const PASSWORD_HASH = hashPassword(PASSWORD, { N: 1024, r: 8, p: 1 });

export const CONFIG_YAML = `
defaultProfile: prod
profiles:
  prod:
    cetec: { baseUrl: "http://127.0.0.1:4010", tokenEnv: CETEC_TOKEN }
  sandbox:
    extends: prod
    cetec: { baseUrl: "http://127.0.0.1:4011", tokenEnv: CETEC_SANDBOX_TOKEN }
    translation:
      routing:
        operations:
          replace: true
          entries: { CNC Milling: cnc_milling }
cablebuilder:
  translation:
    resourceLocations: { LAY_A_01: assembly, EXT_A_01: finishing, EXT_B_01: finishing, STR_A_01: default }
    quantityUomFactors: { "m/km": 0.001 }
    operationExternalKey: generic_1_sec_operation
    plants: [PLANT_A, PLANT_B]
`;

export type RouteInfo = { method: string; url: string; access: string | undefined };

export type Harness = {
  routes: RouteInfo[];
  app: FastifyInstance;
  port: MemoryPort;
  metrics: Metrics;
  auth: AuthSettings;
  ids: Awaited<ReturnType<typeof seedPort>>;
  clock: { now: number };
  close(): Promise<void>;
};

export async function startHarness(
  overrides: Partial<DashboardSettingsInput> = {},
  extra: { refreshSeconds?: number; trustProxy?: boolean; plugins?: FastifyPluginAsync[]; serverYaml?: string } = {},
): Promise<Harness> {
  const clock = { now: Date.parse('2026-03-02T12:00:00Z') };
  const env = { CETEC_TOKEN: REGISTERED_CANARY, SHOPWIRE_API_TOKEN: API_TOKEN, ADMIN_HASH: PASSWORD_HASH };
  const config = parseConfig(CONFIG_YAML + (extra.serverYaml ?? ''), '/etc/shopwire/test.yaml', env);
  const section = dashboardSettingsSchema.parse({ users: [{ name: USER, passwordHashEnv: 'ADMIN_HASH' }], apiTokenEnv: 'SHOPWIRE_API_TOKEN', ...overrides });
  const auth = resolveAuthSettings(section, config.secret);
  // The settings page shows the effective configuration: the token in the env is read (and registered) like in production.
  config.secret('CETEC_TOKEN', 'profiles.prod.cetec.tokenEnv');
  const port = createMemoryPort({ now: () => clock.now });
  const ids = await seedPort(port, clock.now);
  const metrics = createMetrics({ defaultMetrics: false, now: () => clock.now });
  const app = createServer({
    port,
    config: { ...config, dashboard: section },
    logger: silentLogger(),
    metrics,
    auth,
    now: () => clock.now,
    ...(extra.refreshSeconds === undefined ? {} : { refreshSeconds: extra.refreshSeconds }),
    ...(extra.trustProxy === undefined ? {} : { trustProxy: extra.trustProxy }),
    ...(extra.plugins === undefined ? {} : { plugins: extra.plugins }),
  });
  const routes: RouteInfo[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method === 'HEAD') continue;
      routes.push({ method, url: route.url, access: (route.config as { access?: string } | undefined)?.access });
    }
  });
  await app.ready();
  return { app, port, metrics, auth, ids, clock, routes, close: () => app.close() };
}

/** Set-Cookie values of a response as name → value. */
export function cookiesOf(res: LightMyRequestResponse): Record<string, string> {
  const out: Record<string, string> = {};
  const raw = res.headers['set-cookie'];
  for (const line of Array.isArray(raw) ? raw : raw ? [raw] : []) {
    const [pair] = line.split(';');
    const eq = pair!.indexOf('=');
    out[pair!.slice(0, eq)] = decodeURIComponent(pair!.slice(eq + 1));
  }
  return out;
}

/** Signs in through the login form like a browser; returns the session cookie header and CSRF token. */
export async function login(app: FastifyInstance, user = USER, password = PASSWORD): Promise<{ cookie: string; csrf: string }> {
  const form = await app.inject({ method: 'GET', url: '/login' });
  const nonce = cookiesOf(form).shopwire_login!;
  const res = await app.inject({
    method: 'POST',
    url: '/login',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `shopwire_login=${nonce}`, origin: 'http://localhost:80', 'sec-fetch-site': 'same-origin' },
    payload: new URLSearchParams({ _login: nonce, username: user, password }).toString(),
  });
  if (res.statusCode !== 303) throw new Error(`login failed: ${res.statusCode} ${res.body.slice(0, 200)}`);
  const cookie = `shopwire_session=${cookiesOf(res).shopwire_session}`;
  const page = await app.inject({ method: 'GET', url: '/', headers: { cookie } });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
  if (!csrf) throw new Error('no CSRF token on the overview page');
  return { cookie, csrf };
}
