/**
 * Scale-out figures (issue 14, docs/scaling.md): `shopwire run` processes of one config file on
 * one PostgreSQL against emulated shops (one Cetec tenant and one Paperless Parts account each, on
 * 127.0.0.1 in this process), every Cetec call delayed by a fixed latency.
 *
 *   npm run bench:scale                                  defaults: a few minutes
 *   npm run bench:scale -- --window 60 --backlog 10000  steadier figures, the issue's backlog
 *   npm run bench:scale -- --only many --instances 1,2,3,4
 *
 * Prints, each measured in this one run (absolute figures differ between machines; the ratios are
 * what to compare):
 * - many tenants: orders per minute with 1, 2, 3 processes and the ratio to one (targets: 2 ≥ 1.8×,
 *   3 ≥ 2.5×); enough shops that no tenant's limit binds, so processes are what is added;
 * - one tenant: the same with one shop whose rate limit binds: the ratio stays ~1.0× and the
 *   tenant's limits hold across the processes;
 * - for each, the most Cetec calls one tenant saw in flight at once and within any one second
 *   (the emulator's own count; a full token bucket allows up to twice the rate within one second,
 *   the average over the window is the sustained rate);
 * - the small shop's order latency, unloaded and under another shop's backlog (target ≤ 2×);
 * - the same many-tenants run on SQLite with one process, the baseline.
 *
 * Throughput is measured over a window after a warm-up, with more orders queued than the window
 * can export, so that start-up and the tail do not count. Exits 1 if a tenant saw more calls in
 * flight than its limit (CI runs it after the tests, .ci/run); the ratios are printed, not enforced
 * (they depend on the machine having CPU to spare for each process).
 */
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { generatedOrders, jobCounts, killHub, sleep, startCluster, type Cluster, type Hub, type ProfileSpec, type TenantSpec } from '../test/scale/cluster.ts';

const { values: args } = parseArgs({
  options: {
    /** Milliseconds every Cetec call takes. */
    latency: { type: 'string', default: '300' },
    /** Shops (one tenant each) in the many-tenants runs. */
    profiles: { type: 'string', default: '16' },
    /** Each tenant's `cetec.concurrency` (and each process's jobs at once, the hub's default). */
    concurrency: { type: 'string', default: '4' },
    /** The one tenant's `cetec.ratePerSecond` (the many tenants': 10,000, so that it never binds). */
    'rate-per-second': { type: 'string', default: '10' },
    instances: { type: 'string', default: '1,2,3' },
    warmup: { type: 'string', default: '5' },
    /** Seconds measured per run. */
    window: { type: 'string', default: '15' },
    /** Orders queued for the big shop in the latency run. */
    backlog: { type: 'string', default: '2000' },
    /** Small-shop orders timed unloaded and under the backlog (the median is compared). */
    samples: { type: 'string', default: '5' },
    /** Comma-separated: many, one, sqlite, latency. */
    only: { type: 'string', default: 'many,one,sqlite,latency' },
  },
});

const latency = Number(args.latency);
const profilesCount = Number(args.profiles);
const concurrency = Number(args.concurrency);
const ratePerSecond = Number(args['rate-per-second']);
const instanceCounts = args.instances.split(',').map(Number);
const warmupMs = Number(args.warmup) * 1000;
const windowMs = Number(args.window) * 1000;
const only = new Set(args.only.split(','));
/** Cetec calls per generated order, roughly (BOM definitions and the import): for sizing the queue. */
const CALLS_PER_ORDER = 4;

/** Limits that did not hold (a tenant saw more calls in flight than its concurrency): the benchmark then exits 1. */
const broken: string[] = [];

const pgUrl = process.env.SHOPWIRE_PG_URL || process.env.SHOPWIRE_TEST_PG_URL || testEnvUrl();

type Run = {
  perMinute: number;
  /** What the Cetec latency alone allows the run's lanes: lanes (or the tenants' slots) × 60 s ÷ (calls per order × latency). */
  boundPerMinute: number;
  peakInFlight: number;
  peakPerSecond: number;
  callsPerSecond: number;
  ranOut: boolean;
  notDone: number;
  /** The machine's 1-minute load average at the end of the window (other work shares it). */
  load: number;
  /** CPU time per exported order in the window: the hub processes, and this process (the emulators). */
  cpuMsPerOrder: { hubs: number; emulators: number } | null;
};

console.log(
  `bench:scale: Cetec latency ${latency} ms per call, tenant concurrency ${concurrency} (= jobs per process), warm-up ${args.warmup} s, window ${args.window} s; ` +
    `Node ${process.version}, ${availableParallelism()} CPUs; PostgreSQL ${pgUrl === undefined ? 'not configured (SHOPWIRE_PG_URL): SQLite only' : 'on'}`,
);

if (pgUrl !== undefined && only.has('many')) {
  console.log(`\nmany tenants (${profilesCount} shops, one tenant each, rate limit not binding), PostgreSQL:`);
  const runs: Array<[number, Run]> = [];
  for (const n of instanceCounts) {
    const run = await throughput({ postgresUrl: pgUrl, instances: n, shops: profilesCount, rate: 10_000 });
    runs.push([n, run]);
    console.log(line(n, run, runs[0]![1], concurrency, 10_000, n === 2 ? ' (target ≥ 1.8×)' : n === 3 ? ' (target ≥ 2.5×)' : ''));
  }
}

if (pgUrl !== undefined && only.has('one')) {
  console.log(`\none tenant (one shop, concurrency ${concurrency}, ${ratePerSecond} calls/s: its limit binds), PostgreSQL:`);
  let first: Run | null = null;
  for (const n of [1, Math.max(...instanceCounts)]) {
    const run = await throughput({ postgresUrl: pgUrl, instances: n, shops: 1, rate: ratePerSecond });
    first ??= run;
    console.log(line(n, run, first, concurrency, ratePerSecond, n > 1 ? ' (target ≈ 1.0×, limits held)' : ''));
  }
}

if (only.has('sqlite')) {
  console.log(`\nSQLite baseline (${profilesCount} shops, 1 process):`);
  const run = await throughput({ instances: 1, shops: profilesCount, rate: 10_000 });
  console.log(line(1, run, run, concurrency, 10_000, ''));
}

if (pgUrl !== undefined && only.has('latency')) {
  const n = Math.max(...instanceCounts);
  console.log(`\nsmall shop's order under another shop's backlog of ${args.backlog} (PostgreSQL, ${n} processes):`);
  await smallShopLatency(pgUrl, n, Number(args.backlog), Number(args.samples));
}

if (broken.length > 0) {
  console.log(`\nLIMIT NOT HELD:\n  ${broken.join('\n  ')}`);
  process.exitCode = 1;
}

function line(n: number, run: Run, first: Run, limit: number, rate: number, target: string): string {
  if (run.peakInFlight > limit) broken.push(`${n} process(es): a tenant saw ${run.peakInFlight} calls in flight, its limit is ${limit}`);
  const ratio = run.perMinute / first.perMinute;
  return (
    `  ${n} process${n === 1 ? ' ' : 'es'}: ${run.perMinute.toFixed(0).padStart(6)} orders/min  ${ratio.toFixed(2)}×${target}; ` +
    `per tenant: peak ${run.peakInFlight} calls in flight (limit ${limit}), peak ${run.peakPerSecond} calls within one second${rate < 10_000 ? ` (rate ${rate}/s, burst ${rate})` : ''}, ` +
    `average ${run.callsPerSecond.toFixed(1)} calls/s; ${((run.perMinute / run.boundPerMinute) * 100).toFixed(0)} % of the latency bound, load average ${run.load.toFixed(1)}` +
    (run.cpuMsPerOrder === null ? '' : `; CPU per order: hubs ${run.cpuMsPerOrder.hubs.toFixed(0)} ms, emulators ${run.cpuMsPerOrder.emulators.toFixed(0)} ms`) +
    (run.ranOut ? '; the queue ran out before the window ended (more orders: --window shorter or more shops)' : '') +
    (run.notDone > 0 ? `; ${run.notDone} jobs finished otherwise than done` : '')
  );
}

/** One run: `instances` processes, `shops` shops with enough orders queued for the window. */
async function throughput(o: { postgresUrl?: string; instances: number; shops: number; rate: number }): Promise<Run> {
  // Enough for the window at the best rate the lanes or the tenants' limits allow, and a margin.
  const lanes = o.instances * concurrency;
  const perSecond = Math.min(lanes, o.shops * concurrency) / ((CALLS_PER_ORDER * latency) / 1000);
  const limited = o.shops === 1 ? Math.min(perSecond, o.rate / CALLS_PER_ORDER) : perSecond;
  const total = Math.max(50, Math.ceil((limited * (warmupMs + windowMs + 10_000)) / 1000) * 2);
  const perShop = Math.ceil(total / o.shops);
  const tenants: TenantSpec[] = [];
  const profiles: ProfileSpec[] = [];
  for (let i = 0; i < o.shops; i++) {
    tenants.push({ latencyMs: latency, concurrency, ratePerSecond: o.rate });
    profiles.push({ name: `shop${String(i).padStart(2, '0')}`, tenant: i, orders: perShop, seed: 1 + i * 10_000 });
  }
  // Discovery once a minute: the orders are there from the start (the first pass finds them all),
  // and frequent passes over many shops would cost CPU the exports then lack.
  const cluster = await startCluster({ ...(o.postgresUrl ? { postgresUrl: o.postgresUrl } : {}), tenants, profiles, logLevel: 'warn', cetecTimeoutMs: 30_000, everyMinutes: 1 });
  const hubs: Hub[] = [];
  try {
    for (let i = 0; i < o.instances; i++) hubs.push(await cluster.startHub());
    await sleep(warmupMs);
    const c1 = await counts(cluster);
    const calls1 = cluster.cetec.reduce((a, c) => a + c.load().calls, 0);
    const hubCpu1 = hubs.map((h) => cpuMs(h.pid));
    const ownCpu1 = process.cpuUsage();
    const t1 = performance.now();
    let c2 = c1;
    let ranOut = false;
    while (performance.now() - t1 < windowMs) {
      await sleep(250);
      c2 = await counts(cluster);
      if (c2.open === 0) {
        ranOut = true;
        break;
      }
    }
    const seconds = (performance.now() - t1) / 1000;
    const calls2 = cluster.cetec.reduce((a, c) => a + c.load().calls, 0);
    const hubCpu = hubs.reduce((a, h, i) => (a === null || hubCpu1[i] === null ? null : a + (cpuMs(h.pid)! - hubCpu1[i]!)), 0 as number | null);
    const ownCpu = process.cpuUsage(ownCpu1);
    const orders = c2.done - c1.done;
    const callsPerOrder = orders > 0 ? (calls2 - calls1) / orders : CALLS_PER_ORDER;
    const slots = o.shops === 1 ? Math.min(lanes, concurrency, (o.rate * latency) / 1000) : Math.min(lanes, o.shops * concurrency);
    return {
      perMinute: (orders / seconds) * 60,
      boundPerMinute: (slots * 60_000) / (callsPerOrder * latency),
      load: loadavg()[0]!,
      cpuMsPerOrder: hubCpu === null || orders === 0 ? null : { hubs: hubCpu / orders, emulators: (ownCpu.user + ownCpu.system) / 1000 / orders },
      peakInFlight: Math.max(...cluster.cetec.map((c) => c.load().peak)),
      peakPerSecond: Math.max(...cluster.cetec.map((c) => c.load().peakPerSecond)),
      callsPerSecond: (calls2 - calls1) / seconds / o.shops,
      ranOut,
      notDone: c2.notDone,
    };
  } finally {
    for (const hub of hubs) await killHub(hub);
    await cluster.close();
  }
}

async function counts(cluster: Cluster): Promise<{ done: number; open: number; notDone: number }> {
  const c = await jobCounts(cluster.store);
  return {
    done: c.done ?? 0,
    open: (c.pending ?? 0) + (c.running ?? 0) + (c.retrying ?? 0),
    notDone: (c['needs-attention'] ?? 0) + (c.cancelled ?? 0),
  };
}

/** The small shop's orders, one at a time: from placing and from its job's creation to done. */
async function timeSmallOrders(cluster: Cluster, samples: number, seed: number): Promise<{ placed: number[]; job: number[] }> {
  const out = { placed: [] as number[], job: [] as number[] };
  for (let i = 0; i < samples; i++) {
    const t = Date.now();
    const key = String(await cluster.addOrder('small', seed + i));
    for (;;) {
      const job = (await cluster.store.listJobs({ profile: 'small', text: key, limit: 10, offset: 0 })).jobs.find((j) => j.key === key);
      if (job?.finishedAt != null) {
        if (job.state !== 'done') throw new Error(`the small shop's order ${key} ended ${job.state}: ${JSON.stringify(job.lastError)}`);
        out.placed.push(job.finishedAt - t);
        out.job.push(job.finishedAt - job.createdAt);
        break;
      }
      if (Date.now() - t > 300_000) throw new Error(`the small shop's order ${key} was not exported within 300 s`);
      await sleep(50);
    }
  }
  return out;
}

async function smallShopLatency(url: string, instances: number, backlog: number, samples: number): Promise<void> {
  const cluster = await startCluster({
    postgresUrl: url,
    tenants: [
      { latencyMs: latency, concurrency, ratePerSecond: 10_000 },
      { latencyMs: latency, concurrency, ratePerSecond: 10_000 },
    ],
    profiles: [
      { name: 'big', tenant: 0, orders: 0, seed: 1 },
      { name: 'small', tenant: 1, orders: 0, seed: 2 },
    ],
    logLevel: 'warn',
    cetecTimeoutMs: 30_000,
  });
  const hubs: Hub[] = [];
  try {
    const docs = generatedOrders(backlog, 100_000, 1_000_000);
    for (let i = 0; i < instances; i++) hubs.push(await cluster.startHub());
    const unloaded = await timeSmallOrders(cluster, samples, 500);
    // The backlog is queued with the processes stopped (claims against a growing queue slow
    // enqueues a lot), then they start again and the small shop's orders are placed.
    for (const hub of hubs.splice(0)) await killHub(hub);
    const q0 = performance.now();
    await cluster.queueBacklog('big', docs);
    const queuedS = (performance.now() - q0) / 1000;
    // What one claim costs with the backlog queued (the fair order ranks every runnable job): claims
    // from this process with a lease that has run out at once, so the jobs stay claimable.
    const claimMs: number[] = [];
    for (let i = 0; i < 20; i++) {
      const c0 = performance.now();
      await cluster.store.claimJob('bench-claim-timer', 1);
      claimMs.push(performance.now() - c0);
    }
    for (let i = 0; i < instances; i++) hubs.push(await cluster.startHub());
    const before = (await jobCounts(cluster.store, 'big')).done ?? 0;
    const loaded = await timeSmallOrders(cluster, samples, 600);
    const after = (await jobCounts(cluster.store, 'big')).done ?? 0;
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
    console.log(`  unloaded:        median ${s(median(unloaded.job))} from its job's creation, ${s(median(unloaded.placed))} from placing the order (discovery every 1.2 s included)`);
    console.log(`  under backlog:   median ${s(median(loaded.job))} from its job's creation, ${s(median(loaded.placed))} from placing the order`);
    console.log(`  one claim with ${backlog} queued: median ${median(claimMs).toFixed(1)} ms (20 claims, no process running)`);
    console.log(`  ratio ${(median(loaded.job) / median(unloaded.job)).toFixed(2)}× from the job's creation, ${(median(loaded.placed) / median(unloaded.placed)).toFixed(2)}× from placing (target ≤ 2×); ${after - before} of the ${backlog} backlog orders exported meanwhile (queued in ${queuedS.toFixed(1)} s)`);
  } finally {
    for (const hub of hubs) await killHub(hub);
    await cluster.close();
  }
}

/** CPU time (user + system) a process has used, in ms, from /proc (Linux); null elsewhere. */
function cpuMs(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime are fields 14 and 15 of the whole line, in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

/** SHOPWIRE_TEST_PG_URL from .shopwire/test-env (written by scripts/system-deps.sh), as `npm test` reads it. */
function testEnvUrl(): string | undefined {
  const file = new URL('../.shopwire/test-env', import.meta.url);
  if (!existsSync(file)) return undefined;
  const match = /^SHOPWIRE_TEST_PG_URL=(.+)$/m.exec(readFileSync(file, 'utf8'));
  return match?.[1]?.trim() || undefined;
}
