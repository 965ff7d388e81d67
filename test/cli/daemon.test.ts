/**
 * The composition root for real: `startDaemon` with the three emulators on 127.0.0.1, the SQLite
 * store in a temp folder, the CableBuilder receiver and the design-import flow wired through the
 * store and engine (not the test-only inbox of test/cablebuilder).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { startCableBuilderEmulator, type CableBuilderEmulator } from '../../emulators/cablebuilder/server.ts';
import { startCetecEmulator, type CetecEmulator } from '../../emulators/cetec/server.ts';
import { startPaperlessEmulator, type PaperlessEmulator } from '../../emulators/paperless/server.ts';
import { cableBuilderWiring } from '../../src/cli/cablebuilder.ts';
import { startDaemon, type Daemon } from '../../src/cli/daemon.ts';
import { loadConfig } from '../../src/config/load.ts';
import { createLogger } from '../../src/lib/log.ts';
import { until } from '../wait.ts';

const SECRETS = { CETEC_TOKEN: 'canary-cetec;|[7]', PAPERLESS_TOKEN: 'canary-pp;|[7]', CB_SECRET: 'canary-cb;|[7]' };
const logLines: string[] = [];
let cetec: CetecEmulator;
let paperless: PaperlessEmulator;
let cablebuilder: CableBuilderEmulator;
let daemon: Daemon;
let configPath: string;

before(async () => {
  cetec = await startCetecEmulator({ tokens: [SECRETS.CETEC_TOKEN], behaviours: { orderLookup: true } });
  paperless = await startPaperlessEmulator({ token: SECRETS.PAPERLESS_TOKEN, orders: [] });
  cablebuilder = await startCableBuilderEmulator({});
  const dir = mkdtempSync(path.join(tmpdir(), 'shopwire-daemon-'));
  const config = {
    secretsFile: 'secrets.yaml',
    profiles: {
      plant: {
        paperless: { baseUrl: paperless.url, ratePerMinute: 100000 },
        cetec: { baseUrl: cetec.url, orderLookup: true, duplicateExternalKey: 'reject', timeoutMs: 5000 },
        schedule: { everyMinutes: 0.01 },
      },
    },
    store: { sqlite: './store.db' },
    server: { port: 0 },
    dashboard: { metrics: 'open' },
    cablebuilder: {
      receiver: {
        auth: { mode: 'shared-secret', secretEnv: 'CB_SECRET' },
        mode: 'queue',
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
  writeFileSync(path.join(dir, 'secrets.yaml'), stringify(SECRETS), { mode: 0o600 });
  configPath = path.join(dir, 'shopwire.yaml');
  writeFileSync(configPath, stringify(config));
  const loaded = loadConfig({ file: configPath, env: {} });
  const sink = new Writable({ write(chunk, _enc, done) { logLines.push(...String(chunk).split('\n').filter(Boolean)); done(); } });
  const logger = createLogger({ level: 'debug', destination: sink });
  const wiring = cableBuilderWiring(loaded, logger);
  daemon = await startDaemon({ config: loaded, logger, plugins: wiring.plugins, handlers: wiring.handlers, idleMs: 50 });
});

after(async () => {
  await daemon?.stop();
  await Promise.all([cetec?.close(), paperless?.close(), cablebuilder?.close()]);
});

test('a design sent by CableBuilder is stored as a job, defined in Cetec, and written back with Update Design', async () => {
  const sendTo = { url: `${daemon.url}/cablebuilder/send-design`, auth: { kind: 'header' as const, name: 'x-shopwire-secret', value: SECRETS.CB_SECRET } };
  const [answer] = await cablebuilder.send('CABLE_A', { to: sendTo });
  assert.equal(answer!.outcome, 'success', JSON.stringify(answer));
  const job = await until('the design job to finish', async () => {
    const found = await daemon.hub.store.findJob('design-import', 'plant', 'CABLE_A/0');
    return found?.state === 'done' ? found : undefined;
  }, 15_000);
  assert.deepEqual(cetec.state.bom('CABLE_A', '0.3')?.map((l) => l.prcpart), ['CORE_1', 'CORE_2', 'CU_WIRE', 'PVC_ST2']);
  assert.equal(cetec.state.part('CABLE_A')?.description, '4C 1.5mm2 PVC/PVC', 'the header description reaches the Cetec part');
  const header = (name: string) => cablebuilder.state.designs.get('CABLE_A#0')?.header.find((a) => a.name === name)?.value;
  await until('the write-back', () => header('erpStatus') === 'In ERP', 15_000);
  assert.equal(header('erpPart'), 'CABLE_A');
  assert.equal(header('erpRevision'), '0.3');

  // The same design again is recognised: no second job run, no new Cetec call.
  const calls = cetec.journal().length;
  const [again] = await cablebuilder.send('CABLE_A', { to: sendTo });
  assert.equal(again!.outcome, 'success');
  const same = await daemon.hub.store.findJob('design-import', 'plant', 'CABLE_A/0');
  assert.equal(same!.run, job.run);
  assert.equal(cetec.journal().length, calls);
});

test('a wrong receiver secret is refused in the contract and nothing reaches the store or Cetec', async () => {
  const calls = cetec.journal().length;
  const [answer] = await cablebuilder.send('CORE_1', { to: { url: `${daemon.url}/cablebuilder/send-design`, auth: { kind: 'header', name: 'x-shopwire-secret', value: 'wrong' } } });
  assert.notEqual(answer!.outcome, 'success');
  assert.equal(await daemon.hub.store.findJob('design-import', 'plant', 'CORE_1/0'), null);
  assert.equal(cetec.journal().length, calls);
});

test('an order found by the schedule is exported; its log lines and transfer records share one correlation id', async () => {
  await paperless.addOrder((await import('../../emulators/paperless/generate-order.ts')).generateOrder(11, { number: 500 }));
  const job = await until('order 500 to be exported', async () => {
    const found = await daemon.hub.store.findJob('order-export', 'plant', '500');
    return found?.state === 'done' ? found : undefined;
  }, 15_000);
  const transfers = await daemon.hub.store.listTransfers(job.id);
  assert.ok(transfers.some((t) => t.endpoint === 'importjson'), 'the import was recorded');
  assert.ok(transfers.every((t) => t.correlationId === job.correlationId));
  const lines = logLines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.jobId === job.id);
  assert.ok(lines.length > 0, 'the run logged');
  assert.ok(lines.every((l) => l.correlationId === job.correlationId));
});

test('no secret appears in any log line or transfer record', async () => {
  const everything = [...logLines];
  for (const { jobs } of [await daemon.hub.store.listJobs({ limit: 100, offset: 0 })]) {
    for (const job of jobs) everything.push(JSON.stringify(await daemon.hub.store.listTransfers(job.id)), JSON.stringify(job));
  }
  const text = everything.join('\n');
  for (const secret of Object.values(SECRETS)) {
    for (const form of [secret, encodeURIComponent(secret)]) assert.ok(!text.includes(form), `found ${form}`);
  }
});

test('design pull (another process, same store) imports through a durable job and writes back; a second pull is recognised', async () => {
  const run = promisify(execFile);
  const bin = new URL('../../bin/shopwire.js', import.meta.url).pathname;
  const first = await run(process.execPath, [bin, '--config', configPath, 'design', 'pull', 'CORE_2'], { env: { ...process.env, SHOPWIRE_LOG_LEVEL: 'silent' } });
  assert.match(first.stdout, /CORE_2#0 → Cetec CORE_2 revision 0\.1 \(job \d+\); written back/);
  const job = await daemon.hub.store.findJob('design-import', 'plant', 'CORE_2/0');
  assert.equal(job?.state, 'done');
  assert.deepEqual(cetec.state.bom('CORE_2', '0.1')?.map((l) => l.prcpart), ['COND_15', 'PVC_TI1']);
  const header = (name: string) => cablebuilder.state.designs.get('CORE_2#0')?.header.find((a) => a.name === name)?.value;
  assert.equal(header('erpStatus'), 'In ERP');
  const calls = cetec.journal().length;
  const second = await run(process.execPath, [bin, '--config', configPath, 'design', 'pull', 'CORE_2'], { env: { ...process.env, SHOPWIRE_LOG_LEVEL: 'silent' } });
  assert.match(second.stdout, /already in Cetec/);
  assert.equal(cetec.journal().length, calls);

  // Both pulls, and a design changed in CableBuilder by hand, are in the audit log: who, when, what.
  const file = path.join(path.dirname(configPath), 'core2-note.json');
  writeFileSync(file, JSON.stringify({ detail: { design: 'CORE_2', designAlternative: 0 }, header: { attributes: [{ name: 'erpStatus', value: 'Checked by hand' }] } }));
  const update = await run(process.execPath, [bin, '--config', configPath, 'design', 'update', file], { env: { ...process.env, SHOPWIRE_LOG_LEVEL: 'silent' } });
  assert.match(update.stdout, /all 1 attribute\(s\) stored/);
  const who = `cli:${userInfo().username}`;
  const audit = (await daemon.hub.store.listAudit({ limit: 20 })).filter((e) => e.action.startsWith('design-')).reverse();
  assert.deepEqual(
    audit.map((e) => [e.action, e.actor, e.jobId, e.profile, e.detail]),
    [
      ['design-pull', who, job!.id, 'plant', 'shopwire design pull CORE_2#0: a new import job'],
      ['design-pull', who, job!.id, 'plant', 'shopwire design pull CORE_2#0: this version is already in Cetec: nothing done'],
      ['design-update', who, null, 'plant', 'shopwire design update CORE_2#0: 1 attribute(s) stored'],
    ],
  );
});

test('/metrics agrees with the store: jobs by state, finished exports, outbound call latencies', async () => {
  const text = await (await fetch(`${daemon.url}/metrics`)).text();
  const value = (name: string, labels: Record<string, string>): number | undefined => {
    const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
    return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
  };
  for (const row of await daemon.hub.store.countJobs()) {
    assert.equal(value('shopwire_jobs', { profile: row.profile, flow: row.flow, state: row.state }), row.count, `${row.flow} ${row.state}`);
  }
  const done = (await daemon.hub.store.listJobs({ state: 'done', flow: 'order-export', limit: 100, offset: 0 })).total;
  assert.equal(value('shopwire_jobs_finished_total', { profile: 'plant', flow: 'order-export', outcome: 'done' }), done);
  // Every exported order made an import; the emulator's seeded on-hold and cancelled orders were skipped and sent nothing.
  assert.ok((value('shopwire_outbound_request_duration_seconds_count', { system: 'cetec', endpoint: 'importjson', outcome: 'ok' }) ?? 0) >= done);
  assert.equal((await daemon.hub.store.listJobs({ state: 'cancelled', flow: 'order-export', limit: 100, offset: 0 })).total, 2, 'the seeded on-hold and cancelled orders were skipped');
  assert.equal(value('shopwire_circuit_breaker_state', { system: 'cetec', target: 'plant' }), 0);
});
