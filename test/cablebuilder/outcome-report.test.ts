/**
 * CableBuilder always learns the real outcome of a design it sent, through real HTTP on 127.0.0.1:
 * the hub (`startDaemon`, SQLite store, worker) receives Send Design from the CableBuilder emulator
 * in `sync` mode with a budget the import always outlives, so every answer is `success: true`
 * "queued" (CableBuilder then marks the version as in the ERP, reference A-37). The final result must
 * then reach CableBuilder by Update Design (reference S9, S10): the Cetec part, revision and status on
 * success; on failure the failed status and what failed, and no part or revision (the design is not
 * in the ERP). A CableBuilder that is down gets it later, also after the hub restarts; the job page
 * shows what CableBuilder was told.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { startCableBuilderEmulator, type CableBuilderEmulator } from '../../emulators/cablebuilder/server.ts';
import { startCetecEmulator, type CetecEmulator } from '../../emulators/cetec/server.ts';
import { startPaperlessEmulator, type PaperlessEmulator } from '../../emulators/paperless/server.ts';
import { cableBuilderWiring } from '../../src/cli/cablebuilder.ts';
import { startDaemon, type Daemon } from '../../src/cli/daemon.ts';
import { createDashboardPort } from '../../src/cli/dashboard-port.ts';
import { loadConfig, type Config } from '../../src/config/load.ts';
import { createLogger } from '../../src/lib/log.ts';
import { jobBody } from '../../src/server/views/job-page.ts';
import { linkIdOf } from '../../src/engine/design-report.ts';
import { until } from '../wait.ts';

const SECRETS = { CETEC_TOKEN: 'cetec-token-report-1', PAPERLESS_TOKEN: 'pp-token-report-1', CB_SECRET: 'cb-secret-report-1' };
let cetec: CetecEmulator;
let paperless: PaperlessEmulator;
let cablebuilder: CableBuilderEmulator;
let daemon: Daemon;
let config: Config;

const start = async (): Promise<Daemon> => {
  const logger = createLogger({ level: 'silent' });
  const wiring = cableBuilderWiring(config, logger);
  return startDaemon({ config, logger, plugins: wiring.plugins, handlers: wiring.handlers, idleMs: 50 });
};
const sendTo = () => ({ url: `${daemon.url}/cablebuilder/send-design`, auth: { kind: 'header' as const, name: 'x-shopwire-secret', value: SECRETS.CB_SECRET } });
const header = (design: string, name: string) => cablebuilder.state.designs.get(`${design}#0`)?.header.find((a) => a.name === name)?.value;
const job = (design: string) => daemon.hub.store.findJob('design-import', 'plant', `${design}/0`);
const link = async (design: string) => {
  const found = await job(design);
  return found === null ? undefined : (await daemon.hub.store.listActions({ jobId: found.id })).find((l) => l.actionUuid === linkIdOf(found.id));
};
const updatesFor = (design: string) => cablebuilder.state.log.filter((e) => e.direction === 'in' && e.endpoint === 'updateDesign' && String(e.requestBody).includes(`"design":"${design}"`));

before(async () => {
  cetec = await startCetecEmulator({ tokens: [SECRETS.CETEC_TOKEN], behaviours: { orderLookup: true } });
  paperless = await startPaperlessEmulator({ token: SECRETS.PAPERLESS_TOKEN, orders: [] });
  cablebuilder = await startCableBuilderEmulator({});
  const dir = mkdtempSync(path.join(tmpdir(), 'shopwire-report-'));
  const file = {
    secretsFile: 'secrets.yaml',
    profiles: {
      plant: {
        paperless: { baseUrl: paperless.url, ratePerMinute: 100000 },
        cetec: { baseUrl: cetec.url, orderLookup: true, duplicateExternalKey: 'reject', timeoutMs: 5000 },
        schedule: { everyMinutes: 60 },
      },
    },
    store: { sqlite: './store.db' },
    server: { port: 0 },
    dashboard: { metrics: 'open' },
    cablebuilder: {
      receiver: {
        auth: { mode: 'shared-secret', secretEnv: 'CB_SECRET' },
        mode: 'sync',
        // 1 ms: every import outlives the budget, so every answer is "queued".
        syncBudgetMs: 1,
        reportEverySeconds: 0.3,
        policy: { accept: 'valid-and-approved', writeBack: { partAttribute: 'erpPart', revisionAttribute: 'erpRevision', statusAttribute: 'erpStatus', messageAttribute: 'erpMessage' } },
      },
      client: { baseUrl: cablebuilder.url, timeoutMs: 2000 },
      translation: {
        resourceLocations: { LAY_A_01: 'assembly', EXT_A_01: 'finishing', EXT_B_01: 'finishing', STR_A_01: 'assembly' },
        quantityUomFactors: { 'm/km': 0.001 },
        operationExternalKey: 'generic_1_sec_operation',
      },
    },
  };
  writeFileSync(path.join(dir, 'secrets.yaml'), stringify(SECRETS), { mode: 0o600 });
  writeFileSync(path.join(dir, 'shopwire.yaml'), stringify(file));
  config = loadConfig({ file: path.join(dir, 'shopwire.yaml'), env: {} });
  daemon = await start();
});

after(async () => {
  await daemon?.stop();
  await Promise.all([cetec?.close(), paperless?.close(), cablebuilder?.close()]);
});

test('a "queued" answer is followed by the real outcome: Update Design writes the Cetec part, revision and status', async () => {
  const [answer] = await cablebuilder.send('CABLE_A', { to: sendTo() });
  assert.equal(answer!.outcome, 'success', JSON.stringify(answer));
  assert.match(JSON.stringify(answer!.body), /queued for import into Cetec as CABLE_A revision 0\.3 \(job \d+\); the outcome follows by Update Design/);
  assert.equal(cablebuilder.design('CABLE_A')?.detail.inERP, true, 'CableBuilder took the queued answer as success');

  await until('CableBuilder to learn the outcome', () => header('CABLE_A', 'erpStatus') === 'In ERP');
  assert.equal(header('CABLE_A', 'erpPart'), 'CABLE_A');
  assert.equal(header('CABLE_A', 'erpRevision'), '0.3');
  assert.equal(header('CABLE_A', 'erpMessage'), 'Imported into Cetec as CABLE_A revision 0.3');
  assert.deepEqual(cetec.state.bom('CABLE_A', '0.3')?.map((l) => l.prcpart), ['CORE_1', 'CORE_2', 'CU_WIRE', 'PVC_ST2']);
  const updates = updatesFor('CABLE_A');
  assert.equal(updates.length, 1, 'one Update Design, accepted');
  assert.equal(updates[0]!.status, 200);
  await until('the link to say told-done', async () => (await link('CABLE_A'))?.status === 'told-done');

  // The job page says what CableBuilder was told, and lists the Update Design call among the transfers.
  const found = (await job('CABLE_A'))!;
  const detail = (await createDashboardPort(daemon.hub.store).getJob(found.id))!;
  const page = String(jobBody(detail, 'csrf', Date.now()));
  assert.match(page, /data-report="cablebuilder" data-report-status="told-done"/);
  assert.match(page, /Imported into Cetec as CABLE_A revision 0\.3 \(by Update Design\)/);
  assert.ok(detail.transfers.some((t) => t.system === 'cablebuilder' && t.endpoint === 'updateDesign' && t.status === 200), 'the Update Design call is among the job\'s transfers');

  // A resend of the same content is recognised and answered with the outcome; nothing is written twice.
  const [again] = await cablebuilder.send('CABLE_A', { to: sendTo() });
  assert.match(JSON.stringify(again!.body), /imported into Cetec as CABLE_A revision 0\.3/);
  await new Promise((r) => setTimeout(r, 700));
  assert.equal(updatesFor('CABLE_A').length, 1);
});

test('a failed import after a "queued" answer: CableBuilder learns what failed and that the design is not in the ERP', async () => {
  cetec.faults.script('POST /api/partrevisiondefinition', [{ kind: 'status', status: 400, body: { success: 0, message: 'location finishing is closed' } }]);
  const [answer] = await cablebuilder.send('CORE_2', { to: sendTo() });
  assert.equal(answer!.outcome, 'success', 'told queued first');
  await until('CableBuilder to learn the failure', () => header('CORE_2', 'erpStatus') === 'ERP import failed');
  assert.match(header('CORE_2', 'erpMessage') ?? '', /^Not in Cetec: the import of CORE_2 revision 0\.1 failed: .*location finishing is closed/);
  assert.equal(header('CORE_2', 'erpPart') ?? '', '', 'no part number is written for a design that is not in the ERP');
  assert.equal(header('CORE_2', 'erpRevision') ?? '', '');
  assert.equal((await job('CORE_2'))?.state, 'needs-attention');
  await until('the link to say told-failed', async () => (await link('CORE_2'))?.status === 'told-failed');
});

test('CableBuilder down: the outcome is retried until accepted, also across a restart of the hub', async () => {
  cablebuilder.faults.set([{ endpoint: 'POST /live/rest/erpIntegration/updateDesign', random: [{ probability: 1, fault: { kind: 'status', status: 503 } }] }]);
  const [answer] = await cablebuilder.send('COND_15', { to: sendTo() });
  assert.equal(answer!.outcome, 'success');
  await until('the import to finish', async () => (await job('COND_15'))?.state === 'done');
  const owed = await until('a failed report attempt', async () => {
    const l = await link('COND_15');
    return l?.status === 'report-owed' ? l : undefined;
  });
  assert.match(owed.message ?? '', /Update Design failed \(done not yet known to CableBuilder\)/);
  assert.notEqual(header('COND_15', 'erpStatus'), 'In ERP');

  // The hub stops while the report is owed; CableBuilder comes back; a new hub on the same store delivers it.
  await daemon.stop();
  assert.ok((cablebuilder.faults.stats().applied.status ?? 0) >= 1, 'CableBuilder refused Update Design while down');
  cablebuilder.faults.clear();
  daemon = await start();
  await until('the report after the restart', () => header('COND_15', 'erpStatus') === 'In ERP');
  assert.equal(header('COND_15', 'erpMessage'), 'Imported into Cetec as COND_15 revision 0.0');
  await until('the link to say told-done', async () => (await link('COND_15'))?.status === 'told-done');
  assert.equal(updatesFor('COND_15').filter((e) => e.status === 200).length, 1, 'accepted once, after the restart');
});
