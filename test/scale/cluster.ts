/**
 * A deployment of many shops for the scale-out suites and `npm run bench:scale`: one Cetec
 * emulator per tenant and one Paperless Parts emulator per profile (each shop its own accounts),
 * all in this process on 127.0.0.1; one config file for every `shopwire run` process, on
 * PostgreSQL (a fresh schema, dropped on close) or SQLite; and the hub processes, started and
 * killed the way an operator would (docs/scaling.md).
 *
 * Nothing of shopwire is mocked: the processes are `bin/shopwire.js run`, the self-test that
 * establishes a tenant's behaviour is the one `shopwire cetec selftest` runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import type { CetecBehaviours } from '../../emulators/cetec/behaviours.ts';
import { startCetecEmulator, type CetecEmulator } from '../../emulators/cetec/server.ts';
import { generateOrder } from '../../emulators/paperless/generate-order.ts';
import { startPaperlessEmulator, type PaperlessEmulator } from '../../emulators/paperless/server.ts';
import { putOrder } from '../../emulators/paperless/state.ts';
import { selftestProfile } from '../../src/cli/cetec.ts';
import { loadConfig } from '../../src/config/load.ts';
import { openStore } from '../../src/store/open.ts';
import { openPostgresStore } from '../../src/store/postgres/open.ts';
import type { JobRecord, Store } from '../../src/store/store.ts';
import { toOrderPlan } from '../../src/translate/order-to-cetec/plan.ts';
import type { Plan } from '../../src/translate/plan.ts';
import type { HubProcess } from '../e2e/harness.ts';
import { dropSchema, freshSchemaName } from '../store/pg-schema.ts';

// Stopping a hub process and waiting are the e2e harness's (a Hub is a HubProcess with more).
export { killHard as killHub, sleep, stopHub } from '../e2e/harness.ts';

const BIN = new URL('../../bin/shopwire.js', import.meta.url).pathname;
const REPO = new URL('../..', import.meta.url).pathname;
const TOKENS = { cetec: 'cetec-scale-token', paperless: 'paperless-scale-token' };

export type TenantSpec = {
  /** The emulator's switches (emulators/cetec/behaviours.ts). */
  behaviours?: Partial<CetecBehaviours>;
  /** Every call to the emulated API is delayed this long. */
  latencyMs: number;
  /** `cetec.concurrency` of the profiles of this tenant. */
  concurrency: number;
  /** `cetec.ratePerSecond` (default: high, so that the latency is what binds). */
  ratePerSecond?: number;
  /** Mark its profiles `cetec.sandbox` and run the self-test on them before any hub starts. */
  establish?: boolean;
};

export type ProfileSpec = { name: string; tenant: number; orders: number; seed: number };

export type ClusterOptions = {
  /** A PostgreSQL URL (a fresh schema in it), or SQLite in the cluster's folder. */
  postgresUrl?: string;
  tenants: TenantSpec[];
  profiles: ProfileSpec[];
  worker?: { concurrency?: number; leaseSeconds?: number; dutyLeaseSeconds?: number };
  /** Discovery every this many minutes (default 0.02: 1.2 s). */
  everyMinutes?: number;
  /** `profiles.*.cetec.timeoutMs` (also sets how long an unanswered import takes to settle). */
  cetecTimeoutMs?: number;
  logLevel?: string;
};

export type Hub = HubProcess & {
  /** The prefix of this process's worker id (`host:pid:`), as jobs' `leaseOwner` starts. */
  ownerPrefix: string;
};

export type Cluster = {
  dir: string;
  configPath: string;
  cetec: CetecEmulator[];
  paperless: Map<string, PaperlessEmulator>;
  /** The store every process uses, opened from this process. */
  store: Store;
  schema: string | null;
  tenantOf(profile: string): CetecEmulator;
  /** The plan the real translator makes for an order of a profile. */
  planOf(profile: string, orderNumber: number): Plan;
  /** A new generated order in the profile's Paperless account (the next number); returns its number. */
  addOrder(profile: string, seed: number): Promise<number>;
  /**
   * Orders placed in the profile's Paperless account at once (as if imported in bulk: no events)
   * and queued as discovery queues them, one job per order through the store, but `parallel` at a
   * time (discovery enqueues one job per transaction in turn). The profile's cursor is moved past
   * them first, so that discovery does not queue them again. Run it with no hub running: claims
   * against a growing queue slow the enqueues down a lot.
   */
  queueBacklog(profile: string, docs: Array<Record<string, unknown> & { number: number }>, parallel?: number): Promise<void>;
  startHub(): Promise<Hub>;
  close(): Promise<void>;
};

/** Order numbers of profile i start here, so that no two shops share one (it reads better in failures). */
const startNumberOf = (i: number): number => 10_000 + i * 100_000;

export async function startCluster(o: ClusterOptions): Promise<Cluster> {
  const dir = mkdtempSync(path.join(tmpdir(), 'shopwire-scale-'));
  const configPath = path.join(dir, 'shopwire.yaml');
  const cetec: CetecEmulator[] = [];
  const paperless = new Map<string, PaperlessEmulator>();
  const children = new Set<ChildProcess>();
  const schema = o.postgresUrl === undefined ? null : freshSchemaName();
  let store: Store | null = null;
  const close = async (): Promise<void> => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await Promise.all([...children].map((c) => new Promise((r) => c.once('close', r))));
    await store?.close();
    await Promise.all([...cetec.map((c) => c.close()), ...[...paperless.values()].map((p) => p.close())]);
    if (schema !== null) await dropSchema(o.postgresUrl!, schema);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const t of o.tenants) {
      cetec.push(await startCetecEmulator({ tokens: [TOKENS.cetec], behaviours: t.behaviours ?? {} }));
    }
    for (const [i, p] of o.profiles.entries()) {
      paperless.set(
        p.name,
        // Without the seeded real variants: these suites count a shop's orders and measure throughput
        // (every test/e2e run meets the variants).
        await startPaperlessEmulator({ token: TOKENS.paperless, orders: [], variants: false, ...(p.orders > 0 ? { generated: { seed: p.seed, count: p.orders, startNumber: startNumberOf(i) } } : {}) }),
      );
    }
    const profiles: Record<string, unknown> = {};
    for (const p of o.profiles) {
      const t = o.tenants[p.tenant]!;
      profiles[p.name] = {
        paperless: { baseUrl: paperless.get(p.name)!.url, tokenEnv: 'PAPERLESS_TOKEN', ratePerMinute: 1_000_000, timeoutMs: 10_000 },
        cetec: {
          baseUrl: cetec[p.tenant]!.url,
          tokenEnv: 'CETEC_TOKEN',
          timeoutMs: o.cetecTimeoutMs ?? 2_000,
          concurrency: t.concurrency,
          ratePerSecond: t.ratePerSecond ?? 10_000,
          ...(t.establish ? { sandbox: true } : {}),
        },
        schedule: { everyMinutes: o.everyMinutes ?? 0.02, heartbeatMinutes: 1, startAfterOrder: 0 },
        retry: { maxAttempts: 8, baseDelayMs: 100, maxDelayMs: 1_000 },
      };
    }
    const file = {
      profiles,
      store: schema === null ? { sqlite: './store.db' } : { postgres: { urlEnv: 'SHOPWIRE_PG_URL', schema } },
      server: { host: '127.0.0.1', port: 0 },
      ...(o.worker ? { worker: o.worker } : {}),
    };
    writeFileSync(configPath, stringify(file));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      CETEC_TOKEN: TOKENS.cetec,
      PAPERLESS_TOKEN: TOKENS.paperless,
      SHOPWIRE_LOG_LEVEL: o.logLevel ?? 'info',
      SHOPWIRE_CONFIG: '',
      SHOPWIRE_SECRETS_FILE: '',
      ...(o.postgresUrl === undefined ? {} : { SHOPWIRE_PG_URL: o.postgresUrl }),
    };
    store = schema === null ? openStore({ sqlite: path.join(dir, 'store.db') }) : openStore({ postgres: { url: o.postgresUrl!, schema } });
    await store.migrate();

    // Establish each sandbox tenant's behaviour as an operator would (`shopwire cetec selftest`),
    // then clear the emulators of the test orders and arm the latency.
    const config = loadConfig({ file: configPath, env });
    for (const p of o.profiles) {
      if (o.tenants[p.tenant]!.establish) await selftestProfile(config, config.profiles[p.name]!, store);
    }
    for (const [i, t] of o.tenants.entries()) {
      cetec[i]!.reset();
      cetec[i]!.resetLoad();
      if (t.latencyMs > 0) cetec[i]!.faults.set([{ endpoint: '*', random: [{ probability: 1, fault: { kind: 'latency', ms: t.latencyMs } }] }], 1);
    }

    const translation = (name: string) => config.profiles[name]!.translation;
    return {
      dir,
      configPath,
      cetec,
      paperless,
      store,
      schema,
      tenantOf: (name) => cetec[o.profiles.find((p) => p.name === name)!.tenant]!,
      planOf(name, number) {
        const stored = paperless.get(name)!.state.orders.get(number);
        if (stored === undefined) throw new Error(`profile ${name}: the Paperless emulator has no order ${number}`);
        return toOrderPlan(stored.doc, translation(name), { profile: name });
      },
      async addOrder(name, seed) {
        const order = await paperless.get(name)!.addOrder(orderWithoutNumber(seed));
        return order.number;
      },
      async queueBacklog(name, docs, parallel = 8) {
        if (docs.length === 0) return;
        await store!.updateProfile(name, { cursor: Math.max(...docs.map((d) => d.number)) });
        const account = paperless.get(name)!;
        for (const doc of docs) putOrder(account.state, doc, null);
        const enqueuer = schema === null ? store! : openPostgresStore({ url: o.postgresUrl!, schema, poolSize: parallel });
        try {
          let next = 0;
          await Promise.all(
            Array.from({ length: parallel }, async () => {
              while (next < docs.length) {
                const doc = docs[next++]!;
                await enqueuer.enqueueJob({ flow: 'order-export', profile: name, key: String(doc.number), trigger: { kind: 'schedule' } });
              }
            }),
          );
        } finally {
          if (enqueuer !== store) await enqueuer.close();
        }
      },
      async startHub() {
        const hub = spawnHub(['--config', configPath, 'run'], env, children);
        await waitForOutput(hub, /shopwire running/, 120_000);
        return hub;
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Generated orders numbered from `firstNumber` (about a millisecond each). */
export function generatedOrders(count: number, seed: number, firstNumber: number): Array<Record<string, unknown> & { number: number }> {
  return Array.from({ length: count }, (_, i) => ({ ...(generateOrder(seed + i) as Record<string, unknown>), number: firstNumber + i }));
}

function orderWithoutNumber(seed: number): object {
  const doc = generateOrder(seed) as Record<string, unknown>;
  delete doc.number;
  return doc;
}

function spawnHub(args: string[], env: NodeJS.ProcessEnv, children: Set<ChildProcess>): Hub {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let stdout = '';
  let stderr = '';
  // Keep the tail only: a long run logs a lot.
  const keep = (s: string): string => (s.length > 200_000 ? s.slice(-100_000) : s);
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout = keep(stdout + d)));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr = keep(stderr + d)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    });
  });
  return { child, pid: child.pid!, ownerPrefix: `${hostname()}:${child.pid}:`, stdout: () => stdout, stderr: () => stderr, exited };
}

async function waitForOutput(hub: Hub, pattern: RegExp, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pattern.test(hub.stdout())) {
    if (hub.child.exitCode !== null || hub.child.signalCode !== null) throw new Error(`shopwire run exited before it was running:\n${hub.stdout()}\n${hub.stderr().slice(-4000)}`);
    if (Date.now() > deadline) throw new Error(`shopwire run was not running after ${ms} ms:\n${hub.stderr().slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Every job of the store, all profiles (the store pages at most 1000 a call). */
export async function everyJob(store: Store, profile?: string): Promise<JobRecord[]> {
  const out: JobRecord[] = [];
  for (let offset = 0; ; offset += 1000) {
    const { jobs } = await store.listJobs({ limit: 1000, offset, ...(profile === undefined ? {} : { profile }) });
    out.push(...jobs);
    if (jobs.length < 1000) return out;
  }
}

/** Jobs by state for one profile or all (one grouped query). */
export async function jobCounts(store: Store, profile?: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const row of await store.countJobs()) {
    if (profile === undefined || row.profile === profile) out[row.state] = (out[row.state] ?? 0) + row.count;
  }
  return out;
}

export const FINISHED = new Set(['done', 'needs-attention', 'cancelled']);

