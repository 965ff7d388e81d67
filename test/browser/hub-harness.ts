/**
 * The real hub for browser tests: the Cetec and Paperless Parts emulators on loopback, a config
 * file and a secrets file in a temporary folder, and `startDaemon` (real store, engine, discovery,
 * worker and dashboard) on it. The hub can be stopped and started again on the same store with a
 * changed translation config, as an operator would after fixing a mapping.
 *
 * Also: launching Debian's Chromium through playwright-core with a fresh profile folder.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { stringify } from 'yaml';
import { startCetecEmulator, type CetecEmulator } from '../../emulators/cetec/server.ts';
import { startPaperlessEmulator, type PaperlessEmulator } from '../../emulators/paperless/server.ts';
import { startDaemon, type Daemon } from '../../src/cli/daemon.ts';
import { loadConfig } from '../../src/config/load.ts';
import { silentLogger } from '../../src/lib/log.ts';
import { hashPassword } from '../../src/server/settings.ts';
import { generateBadOrder } from '../../emulators/paperless/generate-order.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Canary tokens: punctuation that HTML, JSON and URL encodings treat differently. */
export const CETEC_TOKEN = 'canary-cetec;|[1]';
export const PAPERLESS_TOKEN = 'canary-pp&<"2">';
export const USER = 'operator';
export const PASSWORD = 'correct horse battery staple';
export const PROFILE = 'shop';
/** Orders the Paperless emulator holds that translate with the built-in mapping: fixtures 72 and 179, and 4 generated. */
export const GOOD_ORDERS = 6;
/** The emulator's seeded on-hold and cancelled orders (its real variants): skipped, their jobs `cancelled`. */
export const SKIPPED_ORDERS = 2;
/** The order whose root component has an operation no mapping knows. */
export const BAD_ORDER = 5000;

export type HubWorld = {
  cetec: CetecEmulator;
  paperless: PaperlessEmulator;
  dir: string;
  daemon: Daemon;
  /** Stops the hub and starts a new one on the same store with extra operation → location mappings. */
  restartWith(operations: Record<string, string>): Promise<Daemon>;
  /** Rewrites the config file with extra operation → location mappings (or a broken file), leaving the hub running. */
  rewriteConfig(operations: Record<string, string>, options?: { broken?: boolean }): void;
  close(): Promise<void>;
};

export async function startHubWorld(): Promise<HubWorld> {
  const cetec = await startCetecEmulator({ tokens: [CETEC_TOKEN], behaviours: { orderLookup: true, duplicateExternalKey: 'reject' } });
  const paperless = await startPaperlessEmulator({ token: PAPERLESS_TOKEN, generated: { seed: 3, count: 4 } });
  await paperless.addOrder(generateBadOrder(11, BAD_ORDER, 'unmapped-operation').order);
  const dir = mkdtempSync(path.join(tmpdir(), 'shopwire-hub-browser-'));
  writeFileSync(path.join(dir, 'secrets.yaml'), stringify({ CETEC_TOKEN, PAPERLESS_TOKEN }), { mode: 0o600 });

  const file = path.join(dir, 'shopwire.yaml');
  const writeConfig = (extraOperations: Record<string, string>, broken = false): void => {
    // Entries the operator adds extend the built-in operations table.
    const operations = extraOperations;
    const config = {
      defaultProfile: PROFILE,
      secretsFile: 'secrets.yaml',
      profiles: {
        [PROFILE]: {
          paperless: { baseUrl: paperless.url, integrationUuid: paperless.integrationUuid, ratePerMinute: 6000 },
          cetec: { baseUrl: cetec.url, orderLookup: true, duplicateExternalKey: 'reject', timeoutMs: 10_000 },
          schedule: { everyMinutes: 0.02, heartbeatMinutes: 1 },
          retry: { maxAttempts: 3, baseDelayMs: 50, maxDelayMs: 200 },
          ...(Object.keys(extraOperations).length > 0 ? { translation: { routing: { operations } } } : {}),
        },
      },
      store: { sqlite: './shopwire.db' },
      server: { host: '127.0.0.1', port: 0 },
      dashboard: { users: [{ name: USER, passwordHash: hashPassword(PASSWORD) }], metrics: 'open' },
    };
    writeFileSync(file, stringify(config) + (broken ? 'worker: { leaseSeconds: "a minute" }\n' : ''));
  };
  const start = async (extraOperations: Record<string, string>): Promise<Daemon> => {
    writeConfig(extraOperations);
    return startDaemon({ config: loadConfig({ file, env: {} }), logger: silentLogger(), idleMs: 100 });
  };

  let daemon = await start({});
  const world: HubWorld = {
    cetec,
    paperless,
    dir,
    daemon,
    rewriteConfig(operations, options = {}) {
      writeConfig(operations, options.broken === true);
    },
    async restartWith(operations) {
      await daemon.stop();
      daemon = await start(operations);
      world.daemon = daemon;
      return daemon;
    },
    async close() {
      await daemon.stop().catch(() => {});
      await Promise.all([cetec.close(), paperless.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return world;
}

/** Chromium with a fresh profile folder, removed again by the returned close. */
export async function launchChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const { chromium } = await import('playwright-core');
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'shopwire-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    viewport: { width: 1366, height: 900 },
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
