/**
 * What the end-to-end tests share: the Cetec and Paperless Parts emulators started in this process
 * on 127.0.0.1, a config file in a fresh temporary folder pointing the hub at them, and the hub run
 * the way an operator runs it: `bin/shopwire.js` as a child process with Node 24
 * (`process.execPath`), tokens in environment variables. The tests then read the emulators' state
 * and the hub's SQLite store (through the store API) to check what happened.
 *
 * Nothing here mocks a part of shopwire: the CLI, config loader, store, engine and clients are the
 * real ones, talking real HTTP to the emulators.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { startCetecEmulator, type CetecEmulator, type CetecEmulatorOptions } from '../../emulators/cetec/server.ts';
import { startPaperlessEmulator, type PaperlessEmulator, type PaperlessEmulatorOptions } from '../../emulators/paperless/server.ts';
import { openStore } from '../../src/store/open.ts';
import type { Store } from '../../src/store/store.ts';
import { orderTranslationOptionsSchema, type OrderTranslationOptionsInput } from '../../src/translate/order-to-cetec/options.ts';
import { toOrderPlan } from '../../src/translate/order-to-cetec/plan.ts';
import type { Plan } from '../../src/translate/plan.ts';
import { sleep } from '../wait.ts';

// Waiting (a sleep, and polling until a condition holds) lives in test/wait.ts; the harness's importers still find it here.
export { sleep, until } from '../wait.ts';

export const BIN = new URL('../../bin/shopwire.js', import.meta.url).pathname;
export const REPO = new URL('../..', import.meta.url).pathname;
export const PROFILE = 'shop';

/** Tokens with punctuation that URL encoding, YAML and shell quoting would all notice. */
export const TOKENS = { cetec: 'cetec-e2e-token', paperless: 'paperless-e2e-token' };

export type ProfileOverrides = {
  paperless?: Record<string, unknown>;
  cetec?: Record<string, unknown>;
  schedule?: Record<string, unknown>;
  retry?: Record<string, unknown>;
  discovery?: Record<string, unknown>;
  heal?: Record<string, unknown>;
  translation?: OrderTranslationOptionsInput;
};

export type EnvOptions = {
  cetec?: CetecEmulatorOptions;
  paperless?: PaperlessEmulatorOptions;
  profile?: ProfileOverrides;
  tokens?: { cetec: string; paperless: string };
  /** The hub's job lease (`worker.leaseSeconds`; the hub's default is 60). */
  leaseSeconds?: number;
  /**
   * Establish the emulated tenant's behaviour first, as an operator would on a sandbox:
   * `shopwire cetec selftest` runs (profile marked `cetec.sandbox`) before any fault is armed, and
   * the emulator is then reset (its test order and journal gone; the findings stay in the store).
   */
  establish?: boolean;
};

export type CliResult = { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; ms: number };

export type HubProcess = {
  child: ChildProcess;
  pid: number;
  stdout(): string;
  stderr(): string;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

export type E2E = {
  dir: string;
  configPath: string;
  dbFile: string;
  cetec: CetecEmulator;
  paperless: PaperlessEmulator;
  tokens: { cetec: string; paperless: string };
  env: NodeJS.ProcessEnv;
  /** The profile's translation options exactly as the hub parses them. */
  translation: ReturnType<typeof orderTranslationOptionsSchema.parse>;
  /** Rewrites the config file with other profile settings (the emulators stay). */
  writeConfig(profile: ProfileOverrides): void;
  /** `shopwire <args>` with the config, to completion (killed after `timeoutMs`). */
  cli(args: string[], options?: { timeoutMs?: number; env?: NodeJS.ProcessEnv }): Promise<CliResult>;
  /** `shopwire run` in the background; resolves once it says it is running. */
  startHub(options?: { env?: NodeJS.ProcessEnv; readyTimeoutMs?: number; args?: string[] }): Promise<HubProcess>;
  /** The hub's store, opened from this process (SQLite in WAL mode admits several processes). */
  store(): Promise<Store>;
  /** The plan the real translator makes for an order the Paperless emulator holds. */
  planOf(orderNumber: number): Plan;
  close(): Promise<void>;
};

export async function startE2E(options: EnvOptions = {}): Promise<E2E> {
  const tokens = options.tokens ?? TOKENS;
  const { faults: cetecFaults, ...cetecOptions } = options.cetec ?? {};
  const cetec = await startCetecEmulator({ ...cetecOptions, ...(options.establish ? {} : { faults: cetecFaults }), tokens: [tokens.cetec] });
  const paperless = await startPaperlessEmulator({ ...options.paperless, token: tokens.paperless });
  const dir = mkdtempSync(path.join(tmpdir(), 'shopwire-e2e-'));
  const configPath = path.join(dir, 'shopwire.yaml');
  const dbFile = path.join(dir, 'store.db');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CETEC_TOKEN: tokens.cetec,
    PAPERLESS_TOKEN: tokens.paperless,
    SHOPWIRE_LOG_LEVEL: process.env.SHOPWIRE_LOG_LEVEL ?? 'warn',
    SHOPWIRE_CONFIG: '',
    SHOPWIRE_SECRETS_FILE: '',
  };
  let translationInput: OrderTranslationOptionsInput = options.profile?.translation ?? {};
  const writeConfig = (profile: ProfileOverrides): void => {
    translationInput = profile.translation ?? {};
    // The profile uses the emulator's managed integration, as a production profile does, so every
    // run also polls its events and actions (and meets the seeded variants among them).
    const withIntegration = { ...profile, paperless: { integrationUuid: paperless.integrationUuid, ...profile.paperless } };
    writeFileSync(configPath, stringify(configFor(cetec.url, paperless.url, withIntegration, options.leaseSeconds)));
  };
  writeConfig(options.establish ? { ...options.profile, cetec: { sandbox: true, ...options.profile?.cetec } } : (options.profile ?? {}));
  let openedStore: Store | null = null;
  const children = new Set<ChildProcess>();
  if (options.establish) {
    const selftest = await runCli(['--config', configPath, 'cetec', 'selftest'], { env, timeoutMs: 60_000, children });
    if (selftest.code !== 0) throw new Error(`cetec selftest failed:\n${selftest.stdout}\n${selftest.stderr}`);
    cetec.reset();
    if (cetecFaults !== undefined) cetec.faults.set(cetecFaults.rules ?? [], cetecFaults.seed);
  }

  return {
    dir,
    configPath,
    dbFile,
    cetec,
    paperless,
    tokens,
    env,
    get translation() {
      return orderTranslationOptionsSchema.parse(translationInput);
    },
    writeConfig,
    cli: (args, o = {}) => runCli(['--config', configPath, ...args], { env: { ...env, ...o.env }, timeoutMs: o.timeoutMs ?? 60_000, children }),
    async startHub(o = {}) {
      const hub = spawnHub(['--config', configPath, 'run', ...(o.args ?? [])], { ...env, ...o.env }, children);
      await waitForOutput(hub, /shopwire running/, o.readyTimeoutMs ?? 20_000);
      return hub;
    },
    async store() {
      if (openedStore === null) {
        openedStore = openStore({ sqlite: dbFile });
        await openedStore.migrate();
      }
      return openedStore;
    },
    planOf(orderNumber) {
      const stored = paperless.state.orders.get(orderNumber);
      if (stored === undefined) throw new Error(`the Paperless emulator has no order ${orderNumber}`);
      return toOrderPlan(stored.doc, orderTranslationOptionsSchema.parse(translationInput), { profile: PROFILE });
    },
    async close() {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await openedStore?.close();
      await Promise.all([cetec.close(), paperless.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The config file: one profile against the two emulators, with small timeouts and delays. */
export function configFor(cetecUrl: string, paperlessUrl: string, profile: ProfileOverrides, leaseSeconds?: number): Record<string, unknown> {
  return {
    profiles: {
      [PROFILE]: {
        paperless: { baseUrl: paperlessUrl, tokenEnv: 'PAPERLESS_TOKEN', ratePerMinute: 100_000, timeoutMs: 2_000, ...profile.paperless },
        cetec: {
          baseUrl: cetecUrl,
          tokenEnv: 'CETEC_TOKEN',
          timeoutMs: 1_000,
          concurrency: 4,
          ratePerSecond: 10_000,
          duplicateExternalKey: 'reject',
          orderLookup: false,
          ...profile.cetec,
        },
        schedule: { everyMinutes: 0.02, heartbeatMinutes: 1, startAfterOrder: 0, ...profile.schedule },
        retry: { maxAttempts: 8, baseDelayMs: 50, maxDelayMs: 500, ...profile.retry },
        ...(profile.discovery ? { discovery: profile.discovery } : {}),
        ...(profile.heal ? { heal: profile.heal } : {}),
        ...(profile.translation ? { translation: profile.translation } : {}),
      },
    },
    store: { sqlite: './store.db' },
    server: { host: '127.0.0.1', port: 0 },
    ...(leaseSeconds === undefined ? {} : { worker: { leaseSeconds } }),
  };
}

function runCli(args: string[], o: { env: NodeJS.ProcessEnv; timeoutMs: number; children: Set<ChildProcess> }): Promise<CliResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO, env: o.env, stdio: ['ignore', 'pipe', 'pipe'] });
    o.children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      o.children.delete(child);
      if (signal === 'SIGKILL') reject(new Error(`shopwire ${args.slice(2).join(' ')} did not finish in ${o.timeoutMs} ms\n${stderr}`));
      else resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}

function spawnHub(args: string[], env: NodeJS.ProcessEnv, children: Set<ChildProcess>): HubProcess {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    });
  });
  return { child, pid: child.pid!, stdout: () => stdout, stderr: () => stderr, exited };
}

async function waitForOutput(hub: HubProcess, pattern: RegExp, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pattern.test(hub.stdout())) {
    if (hub.child.exitCode !== null || hub.child.signalCode !== null) {
      throw new Error(`shopwire run exited before it was running:\n${hub.stdout()}\n${hub.stderr()}`);
    }
    if (Date.now() > deadline) throw new Error(`shopwire run was not running after ${ms} ms:\n${hub.stderr()}`);
    await sleep(10);
  }
}

/** SIGKILL, and wait until the process is gone. */
export async function killHard(hub: HubProcess): Promise<void> {
  if (hub.child.exitCode === null && hub.child.signalCode === null) hub.child.kill('SIGKILL');
  await hub.exited;
}

/** SIGTERM (a clean stop), SIGKILL if it does not stop within `ms`. */
export async function stopHub(hub: HubProcess, ms = 15_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (hub.child.exitCode !== null || hub.child.signalCode !== null) return hub.exited;
  hub.child.kill('SIGTERM');
  const timer = setTimeout(() => hub.child.kill('SIGKILL'), ms);
  const result = await hub.exited;
  clearTimeout(timer);
  return result;
}

/** The `name=value` of the cookie `res` sets under `name`. */
function cookieOf(res: Response, name: string): string {
  const line = res.headers.getSetCookie().find((l) => l.startsWith(`${name}=`));
  assert.ok(line, `no ${name} cookie`);
  return line.split(';')[0]!;
}

/**
 * Signs in to the dashboard at `url` as a browser does (GET /login for the form's nonce cookie,
 * then POST the form with it); the answer must be 303. Returns the session cookie (`name=value`).
 */
export async function signIn(url: string, password: string, user = 'ops'): Promise<string> {
  const form = await fetch(`${url}/login`);
  const nonce = cookieOf(form, 'shopwire_login');
  const res = await fetch(`${url}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: nonce, origin: url },
    body: new URLSearchParams({ _login: decodeURIComponent(nonce.split('=')[1]!), username: user, password }).toString(),
  });
  assert.equal(res.status, 303);
  return cookieOf(res, 'shopwire_session');
}

/**
 * The orders the emulator seeds besides the test's own (its real variants: one on hold, one
 * cancelled), which the hub must skip, never export; empty when the test turned them off.
 */
export function variantOrders(e2e: Pick<E2E, 'paperless'>): number[] {
  const v = e2e.paperless.variants;
  return v === null ? [] : [v.onHold, v.cancelled];
}

/**
 * The jobs of the test's own orders. The seeded variant orders' jobs are checked on the way: each
 * ended `cancelled` with a reason naming the order's status (skipped, never exported).
 */
export function withoutVariants<J extends { key: string; state: string; lastError: { message: string } | null }>(e2e: Pick<E2E, 'paperless'>, jobs: J[]): J[] {
  const skipped = variantOrders(e2e);
  for (const n of skipped) {
    const job = jobs.find((j) => j.key === String(n));
    if (job === undefined) continue;
    const status = String(e2e.paperless.state.orders.get(n)?.doc.status);
    assert.equal(job.state, 'cancelled', `seeded ${status} order ${n}: ${job.state} (${job.lastError?.message ?? ''})`);
    assert.ok(job.lastError?.message.includes(status), `seeded ${status} order ${n}: the reason names its status: ${job.lastError?.message}`);
  }
  return jobs.filter((j) => !skipped.includes(Number(j.key)));
}

/** Every order-export job of the profile (the store pages at most 1000 a call). */
export async function allJobs(store: Store): Promise<Awaited<ReturnType<Store['listJobs']>>['jobs']> {
  const out: Awaited<ReturnType<Store['listJobs']>>['jobs'] = [];
  for (let offset = 0; offset < 100_000; offset += 1000) {
    const { jobs } = await store.listJobs({ limit: 1000, offset });
    out.push(...jobs);
    if (jobs.length < 1000) break;
  }
  return out;
}
