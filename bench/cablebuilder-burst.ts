/**
 * The Send Design receiver under a burst: N designs sent by the CableBuilder emulator at once
 * (N concurrent POSTs) to the real hub (`startDaemon`: SQLite store, worker, receiver in `sync`
 * mode), which imports each into the Cetec emulator, everything on 127.0.0.1 in this process.
 *
 *   npm run bench:cablebuilder                               50 sends, Cetec answering at once
 *   npm run bench:cablebuilder -- --sends 50 --latency 300   each Cetec call takes 300 ms
 *   npm run bench:cablebuilder -- --budget 20000 --rate 20   sync budget 20 s, Cetec 20 calls/s
 *
 * Each design is a copy of the reference's CABLE_A (its own code, so each is its own job); its
 * import is two Cetec calls (the BOM definition and the part's description). Printed: how long
 * CableBuilder waited for each answer (p50, p95, max), how many answers carried the final outcome
 * and how many said "queued", when the last import finished, and when CableBuilder knew every
 * outcome (the answers plus the Update Designs that follow a "queued" answer). The hub's Cetec
 * settings are the defaults a real installation starts with (concurrency 4, 10 calls/s) unless
 * `--concurrency` / `--rate` say otherwise.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { startCableBuilderEmulator } from '../emulators/cablebuilder/server.ts';
import { defaultSeed } from '../emulators/cablebuilder/seed.ts';
import { startCetecEmulator } from '../emulators/cetec/server.ts';
import { cableBuilderWiring } from '../src/cli/cablebuilder.ts';
import { startDaemon } from '../src/cli/daemon.ts';
import { loadConfig } from '../src/config/load.ts';
import { createLogger } from '../src/lib/log.ts';

const { values: args } = parseArgs({
  options: {
    sends: { type: 'string', default: '50' },
    budget: { type: 'string', default: '10000' },
    latency: { type: 'string', default: '0' },
    concurrency: { type: 'string' },
    rate: { type: 'string' },
  },
});
const sends = Number(args.sends);
const budgetMs = Number(args.budget);
const latencyMs = Number(args.latency);

const SECRETS = { CETEC_TOKEN: 'bench-cetec-token', PAPERLESS_TOKEN: 'bench-paperless-token', CB_SECRET: 'bench-cb-secret' };
const seed = defaultSeed();
const template = seed.designs.find((d) => d.design === 'CABLE_A' && d.designAlternative === 0)!;
const codes = Array.from({ length: sends }, (_, i) => `BURST_${String(i + 1).padStart(3, '0')}`);
for (const code of codes) seed.designs.push({ ...structuredClone(template), design: code });

const cetec = await startCetecEmulator({ tokens: [SECRETS.CETEC_TOKEN] });
if (latencyMs > 0) cetec.faults.set([{ endpoint: '* /api/*', random: [{ probability: 1, fault: { kind: 'latency', ms: latencyMs } }] }]);
const cablebuilder = await startCableBuilderEmulator({ seed });
const dir = mkdtempSync(path.join(tmpdir(), 'shopwire-burst-'));
const file = {
  secretsFile: 'secrets.yaml',
  profiles: {
    plant: {
      paperless: { baseUrl: 'http://127.0.0.1:9', ratePerMinute: 60 },
      cetec: {
        baseUrl: cetec.url,
        ...(args.concurrency ? { concurrency: Number(args.concurrency) } : {}),
        ...(args.rate ? { ratePerSecond: Number(args.rate) } : {}),
      },
      schedule: { everyMinutes: 1440 },
    },
  },
  store: { sqlite: './store.db' },
  server: { port: 0 },
  cablebuilder: {
    receiver: {
      auth: { mode: 'shared-secret', secretEnv: 'CB_SECRET' },
      mode: 'sync',
      syncBudgetMs: budgetMs,
      reportEverySeconds: 1,
      policy: { accept: 'valid-and-approved', writeBack: { partAttribute: 'erpPart', revisionAttribute: 'erpRevision', statusAttribute: 'erpStatus', messageAttribute: 'erpMessage' } },
    },
    client: { baseUrl: cablebuilder.url },
    translation: { resourceLocations: { LAY_A_01: 'assembly', EXT_A_01: 'finishing', EXT_B_01: 'finishing', STR_A_01: 'assembly' }, quantityUomFactors: { 'm/km': 0.001 } },
  },
};
writeFileSync(path.join(dir, 'secrets.yaml'), stringify(SECRETS), { mode: 0o600 });
writeFileSync(path.join(dir, 'shopwire.yaml'), stringify(file));
const config = loadConfig({ file: path.join(dir, 'shopwire.yaml'), env: {} });
const logger = createLogger({ level: 'silent' });
const wiring = cableBuilderWiring(config, logger);
const daemon = await startDaemon({ config, logger, plugins: wiring.plugins, handlers: wiring.handlers, idleMs: 20 });
const to = { url: `${daemon.url}/cablebuilder/send-design`, auth: { kind: 'header' as const, name: 'x-shopwire-secret', value: SECRETS.CB_SECRET }, timeoutMs: 120_000 };

const status = (code: string): string | undefined => cablebuilder.state.designs.get(`${code}#0`)?.header.find((a) => a.name === 'erpStatus')?.value;
const started = performance.now();
const answers = await Promise.all(
  codes.map(async (code) => {
    const t0 = performance.now();
    const [answer] = await cablebuilder.send(code, { to });
    const text = JSON.stringify(answer?.body ?? answer?.error ?? '');
    return { code, ms: performance.now() - t0, kind: /imported into Cetec/.test(text) ? 'final' : /queued for import/.test(text) ? 'queued' : `other: ${text.slice(0, 120)}` };
  }),
);
const answered = performance.now() - started;
let lastImport = 0;
let lastKnown = 0;
for (;;) {
  const { jobs } = await daemon.hub.store.listJobs({ flow: 'design-import', limit: 1000, offset: 0 });
  const finished = jobs.filter((j) => j.state === 'done' || j.state === 'needs-attention');
  if (lastImport === 0 && finished.length >= sends) lastImport = performance.now() - started;
  if (codes.every((c) => status(c) === 'In ERP' || status(c) === 'ERP import failed')) {
    lastKnown = performance.now() - started;
    break;
  }
  if (performance.now() - started > 300_000) throw new Error('not every outcome reached CableBuilder within 5 minutes');
  await new Promise((r) => setTimeout(r, 20));
}
if (lastImport === 0) lastImport = lastKnown;

const sorted = answers.map((a) => a.ms).sort((a, b) => a - b);
const pct = (p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const count = (k: string): number => answers.filter((a) => a.kind === k).length;
const others = answers.filter((a) => a.kind.startsWith('other'));
const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
console.log(`burst: ${sends} concurrent Send Designs, sync budget ${budgetMs} ms, Cetec latency ${latencyMs} ms per call, Cetec concurrency ${config.profiles.plant?.cetec.concurrency ?? '?'}, ${config.profiles.plant?.cetec.ratePerSecond ?? '?'} calls/s`);
console.log(`answer wait: p50 ${s(pct(50))}, p95 ${s(pct(95))}, max ${s(sorted.at(-1)!)}; all answered after ${s(answered)}`);
console.log(`answers: ${count('final')} with the final outcome, ${count('queued')} "queued"${others.length ? `, ${others.length} other (${others[0]!.kind})` : ''}`);
console.log(`last import finished after ${s(lastImport)}; CableBuilder knew every outcome after ${s(lastKnown)} (Update Designs: ${cablebuilder.state.log.filter((e) => e.direction === 'in' && e.endpoint === 'updateDesign').length})`);

await daemon.stop();
await Promise.all([cablebuilder.close(), cetec.close()]);
rmSync(dir, { recursive: true, force: true });
