/**
 * `shopwire demo`: the whole thing on one machine with nothing to configure. Starts the Cetec,
 * Paperless Parts and CableBuilder emulators on loopback, writes a config for them into a fresh
 * folder, runs the hub against it (discovery, workers, dashboard, CableBuilder receiver), and keeps
 * sample work flowing: new orders, an export requested from Paperless Parts, one order with a
 * mapping gap (it lands in needs-attention), and cable designs sent from CableBuilder.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { parseDocument, stringify } from 'yaml';
import { startCableBuilderEmulator } from '../../emulators/cablebuilder/server.ts';
import { startCetecEmulator } from '../../emulators/cetec/server.ts';
import { startPaperlessEmulator } from '../../emulators/paperless/server.ts';
import { loadConfig } from '../config/load.ts';
import { createLogger } from '../lib/log.ts';
import { registerSecret } from '../lib/redact.ts';
import { hashPassword } from '../server/settings.ts';
import { generateBadOrder, generateOrder } from '../../emulators/paperless/generate-order.ts';
import { cableBuilderWiring } from './cablebuilder.ts';
import { selftestProfile } from './cetec.ts';
import { openConfiguredStore } from './open-store.ts';
import { startDaemon, untilSignal, type Daemon } from './daemon.ts';

type DemoOptions = { port: string; orders: string; every: string; duration?: string; dir?: string; seed: string };

const DESIGNS = ['CABLE_A', 'CORE_1', 'CORE_2', 'CABLE_A#1'];

export function register(program: Command): void {
  program
    .command('demo')
    .description('emulators + hub + dashboard on embedded defaults, sample orders and designs flowing')
    .option('--port <port>', 'dashboard port (0 picks a free one)', '8080')
    .option('--orders <n>', 'generated orders waiting in Paperless Parts at the start', '8')
    .option('--every <seconds>', 'seconds between new sample orders and designs', '15')
    .option('--duration <seconds>', 'stop after this long (default: until Ctrl-C)')
    .option('--dir <folder>', 'where the demo keeps its store and config (default: a new temporary folder)')
    .option('--seed <n>', 'seed of the generated orders', '7')
    .action(async (options: DemoOptions) => {
      const demo = await startDemo(options);
      process.stdout.write(demo.banner);
      let timer: NodeJS.Timeout | undefined;
      const stopAfter = options.duration ? new Promise<string>((r) => (timer = setTimeout(() => r('duration'), Number(options.duration) * 1000))) : new Promise<string>(() => {});
      await Promise.race([untilSignal(), stopAfter]);
      // Stopped by a signal: the duration's timer would otherwise keep the process alive until it fires.
      clearTimeout(timer);
      const summary = await demo.summary();
      await demo.stop();
      process.stdout.write(summary);
    });
}

/**
 * The demo's config file. A new one is written whole. An existing one (a `--dir` used before) keeps
 * the operator's edits, comments included: only what changes with every start is set in it (the
 * emulators' addresses, the integration uuid, the port and the demo user's new password hash).
 */
function demoConfigText(file: string, fresh: Record<string, any>): string {
  if (!existsSync(file)) return `# Written by \`shopwire demo\`: emulators on loopback, fresh tokens in secrets.yaml. Edits are kept by \`demo --dir\`.\n${stringify(fresh)}`;
  const doc = parseDocument(readFileSync(file, 'utf8'));
  const demo = fresh.profiles.demo;
  doc.setIn(['profiles', 'demo', 'paperless', 'baseUrl'], demo.paperless.baseUrl);
  doc.setIn(['profiles', 'demo', 'paperless', 'integrationUuid'], demo.paperless.integrationUuid);
  doc.setIn(['profiles', 'demo', 'cetec', 'baseUrl'], demo.cetec.baseUrl);
  doc.setIn(['server', 'port'], fresh.server.port);
  doc.setIn(['cablebuilder', 'client', 'baseUrl'], fresh.cablebuilder.client.baseUrl);
  const users = (doc.getIn(['dashboard', 'users']) as { items?: unknown[] } | undefined)?.items ?? [];
  const index = users.findIndex((u) => (u as { get?(k: string): unknown }).get?.('name') === 'demo');
  doc.setIn(['dashboard', 'users', index === -1 ? users.length : index], doc.createNode(fresh.dashboard.users[0]));
  return doc.toString();
}

export type Demo = { banner: string; summary(): Promise<string>; stop(): Promise<void> };

export async function startDemo(options: DemoOptions): Promise<Demo> {
  const dir = options.dir ? path.resolve(options.dir) : mkdtempSync(path.join(tmpdir(), 'shopwire-demo-'));
  mkdirSync(dir, { recursive: true });
  const seed = Number(options.seed);
  // Fresh random credentials for the emulators; they live in the demo's secrets file only.
  const secrets = {
    CETEC_TOKEN: `demo-cetec-${randomBytes(9).toString('hex')}`,
    PAPERLESS_TOKEN: `demo-pp-${randomBytes(9).toString('hex')}`,
    CABLEBUILDER_SHARED_SECRET: `demo-cb-${randomBytes(9).toString('hex')}`,
  };
  for (const value of Object.values(secrets)) registerSecret(value);
  const password = randomBytes(6).toString('base64url');

  const cetec = await startCetecEmulator({ tokens: [secrets.CETEC_TOKEN], behaviours: { orderLookup: true, duplicateExternalKey: 'reject' } });
  const paperless = await startPaperlessEmulator({ token: secrets.PAPERLESS_TOKEN, generated: { seed, count: Number(options.orders) } });
  const cablebuilder = await startCableBuilderEmulator({});
  const receiverHeader = 'x-shopwire-secret';

  const config = {
    defaultProfile: 'demo',
    secretsFile: 'secrets.yaml',
    profiles: {
      demo: {
        paperless: { baseUrl: paperless.url, integrationUuid: paperless.integrationUuid, ratePerMinute: 6000 },
        cetec: { baseUrl: cetec.url, orderLookup: true, duplicateExternalKey: 'reject', sandbox: true, timeoutMs: 10_000 },
        schedule: { everyMinutes: 0.1, heartbeatMinutes: 1 },
        retry: { maxAttempts: 4, baseDelayMs: 2_000, maxDelayMs: 20_000 },
      },
    },
    store: { sqlite: './shopwire.db' },
    server: { host: '127.0.0.1', port: Number(options.port) },
    dashboard: { users: [{ name: 'demo', passwordHash: hashPassword(password) }], metrics: 'open' },
    cablebuilder: {
      profile: 'demo',
      receiver: {
        path: '/cablebuilder/send-design',
        auth: { mode: 'shared-secret', secretEnv: 'CABLEBUILDER_SHARED_SECRET', header: receiverHeader },
        mode: 'sync',
        policy: { accept: 'valid-and-approved', writeBack: { partAttribute: 'erpPart', revisionAttribute: 'erpRevision', statusAttribute: 'erpStatus' } },
      },
      client: { baseUrl: cablebuilder.url },
      translation: {
        resourceLocations: { LAY_A_01: 'assembly', EXT_A_01: 'finishing', EXT_B_01: 'finishing', STR_A_01: 'assembly' },
        quantityUomFactors: { 'm/km': 0.001 },
        operationExternalKey: 'generic_1_sec_operation',
      },
    },
  };
  const configFile = path.join(dir, 'shopwire.yaml');
  writeFileSync(path.join(dir, 'secrets.yaml'), stringify(secrets), { mode: 0o600 });
  writeFileSync(configFile, demoConfigText(configFile, config));
  const loaded = loadConfig({ file: configFile, env: {} });
  const logger = createLogger({ level: process.env.SHOPWIRE_LOG_LEVEL ?? 'warn' });
  // The emulated tenant is a sandbox: establish its behaviour as an operator would before a first run.
  const store = await openConfiguredStore(loaded);
  try {
    await selftestProfile(loaded, loaded.profiles.demo!, store);
  } finally {
    await store.close();
  }
  const wiring = cableBuilderWiring(loaded, logger);
  const start = (port?: number) => startDaemon({ config: loaded, logger, plugins: wiring.plugins, handlers: wiring.handlers, idleMs: 250, ...(port === undefined ? {} : { port }) });
  let daemon: Daemon;
  try {
    daemon = await start();
  } catch (error) {
    // Port 8080 is often taken on a developer's machine: the demo then takes any free port.
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    process.stderr.write(`note: port ${options.port} is in use; the dashboard takes a free port instead\n`);
    daemon = await start(0);
  }
  const sendTo = { url: `${daemon.url}/cablebuilder/send-design`, auth: { kind: 'header' as const, name: receiverHeader, value: secrets.CABLEBUILDER_SHARED_SECRET } };

  // Sample work over time: a new order each tick, an export requested from Paperless every third
  // tick, one order with an operation no mapping knows, and a cable design.
  let tick = 0;
  let nextNumber = 1000;
  const sendDesign = async (code: string) => {
    try {
      await cablebuilder.send(code, { to: sendTo });
    } catch (error) {
      logger.warn({ err: error }, 'demo: sending a design failed');
    }
  };
  const flow = async () => {
    tick++;
    nextNumber++;
    try {
      if (tick === 2) {
        await paperless.addOrder(generateBadOrder(seed + tick, nextNumber, 'unmapped-operation').order);
      } else {
        await paperless.addOrder(generateOrder(seed + tick, { number: nextNumber }));
      }
      if (tick % 3 === 0) paperless.requestExport(nextNumber);
    } catch (error) {
      logger.warn({ err: error }, 'demo: adding a sample order failed');
    }
    await sendDesign(DESIGNS[tick % DESIGNS.length]!);
  };
  const timer = setInterval(() => void flow(), Number(options.every) * 1000);
  void sendDesign('CABLE_A');

  const banner = [
    '',
    'shopwire demo is running',
    `  dashboard      ${daemon.url}/   (user demo, password ${password})`,
    `  metrics        ${daemon.url}/metrics`,
    `  Paperless Parts emulator  ${paperless.url}   (${Number(options.orders) + 2} orders waiting; one more every ${options.every} s)`,
    `  Cetec emulator            ${cetec.url}/__emulator/state   (what arrived in the ERP)`,
    `  CableBuilder emulator     ${cablebuilder.origin}/__emulator/state   (designs sent to ${sendTo.url})`,
    `  config         ${configFile}${options.dir ? '   (kept, with your edits, for the next demo --dir)' : '   (in a temporary folder, removed when the demo stops; --dir keeps one)'}`,
    `  try            npm run shopwire -- --config ${configFile} status`,
    '  stop           Ctrl-C',
    '',
  ].join('\n');

  return {
    banner: `${banner}\n`,
    async summary() {
      const counts = await daemon.hub.store.countJobs();
      const lines = counts.map((c) => `  ${c.flow} ${c.state}: ${c.count}`);
      return `demo summary: ${cetec.state.orders().length} sales orders and ${cetec.state.parts().length} parts in the Cetec emulator\n${lines.join('\n')}\n`;
    },
    async stop() {
      clearInterval(timer);
      await daemon.stop();
      await Promise.all([cetec.close(), paperless.close(), cablebuilder.close()]);
      // A folder the demo made for itself goes with it: its secrets and database included.
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
