/**
 * Export throughput and memory of the real engine (store, worker, clients: `openHub` from
 * src/cli/compose.ts) against the emulators, which run in a child process of their own so that
 * their CPU and memory are not counted as the hub's.
 *
 *   npm run bench:export                          200 orders, 100 ms per Cetec call, concurrency 4
 *   npm run bench:export -- --orders 500 --latency 50 --concurrency 8
 *   npm run bench:export -- --queue 10000         memory with 10,000 jobs queued (runs --seconds 30)
 *
 * Throughput: every Cetec call (each BOM definition and the import) is delayed by a latency fault
 * on the emulator. With C calls in flight at most, the export cannot be faster than
 *   bound = orders / (total Cetec calls × latency ÷ concurrency)   [orders per minute]
 * and the benchmark prints the measured rate and its ratio to that bound (target ≥ 90 %).
 *
 * Memory: `--queue N` enqueues N jobs (discovery of N generated orders), then runs the worker for
 * `--seconds` while sampling process.memoryUsage() every 50 ms; prints the peaks (target < 150 MB).
 *
 * `ratePerSecond` is set high (10,000) so that the latency bound is what is measured; the default
 * (10 calls/s) would cap a tenant at 10 calls/s, i.e. 6 s per 60 calls, whatever the latency.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { COMPILE_CACHE_DIR, relaunchWithMemorySettings } from '../bin/process-settings.js';

const { values: args } = parseArgs({
  options: {
    orders: { type: 'string', default: '200' },
    latency: { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '4' },
    /** Jobs the worker runs at once (default: the hub's own default, the Cetec concurrency). */
    'worker-concurrency': { type: 'string' },
    queue: { type: 'string' },
    seconds: { type: 'string', default: '30' },
    seed: { type: 'string', default: '1' },
    'rate-per-second': { type: 'string', default: '10000' },
    'serve-emulators': { type: 'boolean', default: false },
    'warm-cache': { type: 'boolean', default: false },
    /** Plain `node`: no compile cache warm-up, no memory settings (for comparison). */
    untuned: { type: 'boolean', default: false },
  },
});

const TOKENS = { cetec: 'bench-cetec-token', paperless: 'bench-paperless-token' };
const THIS_FILE = fileURLToPath(import.meta.url);

if (args['warm-cache']) {
  // Child mode: load what the hub loads, so the compile cache holds it (then exit).
  await Promise.all([import('../src/config/load.ts'), import('../src/cli/compose.ts'), import('../src/lib/log.ts')]);
} else if (args['serve-emulators']) {
  await serveEmulators();
} else {
  if (!args.untuned) {
    // Measure the hub as `shopwire run` runs it (bin/process-settings.js): compile cache warm,
    // memory settings applied. The warm-up child fills the cache, this process then re-executes
    // itself with the settings; `--untuned` measures a plain `node` process instead.
    spawnSync(process.execPath, [THIS_FILE, '--warm-cache'], { stdio: 'inherit', env: { ...process.env, NODE_COMPILE_CACHE: process.env.NODE_COMPILE_CACHE || COMPILE_CACHE_DIR } });
    relaunchWithMemorySettings(THIS_FILE, process.argv.slice(2));
  }
  await main();
}

/** Child mode: both emulators on 127.0.0.1; prints their URLs as one JSON line; exits with stdin. */
async function serveEmulators(): Promise<void> {
  const { startCetecEmulator } = await import('../emulators/cetec/server.ts');
  const { startPaperlessEmulator } = await import('../emulators/paperless/server.ts');
  const latency = Number(args.latency);
  const count = Number(args.queue ?? args.orders);
  const cetec = await startCetecEmulator({
    tokens: [TOKENS.cetec],
    faults: { seed: 1, rules: latency > 0 ? [{ endpoint: '*', random: [{ probability: 1, fault: { kind: 'latency', ms: latency } }] }] : [] },
  });
  const paperless = await startPaperlessEmulator({ token: TOKENS.paperless, orders: [], generated: { seed: Number(args.seed), count } });
  process.stdout.write(`${JSON.stringify({ cetec: cetec.url, paperless: paperless.url })}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => {
    void Promise.all([cetec.close(), paperless.close()]).then(() => process.exit(0));
  });
}

async function startEmulatorProcess(): Promise<{ urls: { cetec: string; paperless: string }; stop: () => void }> {
  // The emulators run as plain processes (their memory is not the hub's).
  const { SHOPWIRE_PROCESS_SETTINGS: _settings, MALLOC_ARENA_MAX: _arenas, MALLOC_TRIM_THRESHOLD_: _trim, ...env } = process.env;
  const child = spawn(process.execPath, [THIS_FILE, '--serve-emulators', ...process.argv.slice(2)], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env,
  });
  const urls = await new Promise<{ cetec: string; paperless: string }>((resolve, reject) => {
    let buffer = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      buffer += d;
      const line = buffer.split('\n')[0];
      if (buffer.includes('\n') && line) resolve(JSON.parse(line) as { cetec: string; paperless: string });
    });
    child.on('exit', (code) => reject(new Error(`emulator process exited (${code})`)));
  });
  return { urls, stop: () => child.stdin!.end() };
}

async function main(): Promise<void> {
  const { loadConfig } = await import('../src/config/load.ts');
  const { openHub } = await import('../src/cli/compose.ts');
  const { createLogger } = await import('../src/lib/log.ts');
  const latency = Number(args.latency);
  const concurrency = Number(args.concurrency);
  const queue = args.queue === undefined ? undefined : Number(args.queue);
  const orders = queue ?? Number(args.orders);

  const { getCompileCacheDir } = await import('node:module');
  const settings = process.env.SHOPWIRE_PROCESS_SETTINGS === 'applied'
    ? `settings of bin/process-settings.js (${[...process.execArgv, `MALLOC_ARENA_MAX=${process.env.MALLOC_ARENA_MAX}`, `MALLOC_TRIM_THRESHOLD_=${process.env.MALLOC_TRIM_THRESHOLD_}`].join(' ')})`
    : 'plain node, no memory settings';
  console.log(`hub process: ${settings}; compile cache ${getCompileCacheDir() ?? 'off'}; Node ${process.version}`);
  const emulators = await startEmulatorProcess();
  const dir = mkdtempSync(path.join(tmpdir(), 'shopwire-bench-'));
  const file = path.join(dir, 'shopwire.yaml');
  writeFileSync(
    file,
    stringify({
      profiles: {
        bench: {
          paperless: { baseUrl: emulators.urls.paperless, tokenEnv: 'PAPERLESS_TOKEN', ratePerMinute: 1_000_000, timeoutMs: 30_000 },
          cetec: {
            baseUrl: emulators.urls.cetec,
            tokenEnv: 'CETEC_TOKEN',
            concurrency,
            ratePerSecond: Number(args['rate-per-second']),
            timeoutMs: 30_000,
            duplicateExternalKey: 'reject',
          },
          retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000 },
        },
      },
      store: { sqlite: './store.db' },
    }),
  );
  const config = loadConfig({ file, env: { CETEC_TOKEN: TOKENS.cetec, PAPERLESS_TOKEN: TOKENS.paperless } });
  const workerConcurrency = args['worker-concurrency'] === undefined ? undefined : Number(args['worker-concurrency']);
  const hub = await openHub({ config, logger: createLogger({ level: 'silent' }), ...(workerConcurrency === undefined ? {} : { concurrency: workerConcurrency }) });
  const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MB`;
  const peak = { rss: 0, heapUsed: 0 };
  const sample = (): void => {
    const m = process.memoryUsage();
    peak.rss = Math.max(peak.rss, m.rss);
    peak.heapUsed = Math.max(peak.heapUsed, m.heapUsed);
  };
  const sampler = setInterval(sample, 50);
  const atStart = process.memoryUsage();
  const describe = (m: NodeJS.MemoryUsage): string => `rss ${mb(m.rss)}, heapTotal ${mb(m.heapTotal)}, heapUsed ${mb(m.heapUsed)}, external ${mb(m.external)}, arrayBuffers ${mb(m.arrayBuffers)}`;
  try {
    const t0 = performance.now();
    const discovered = await hub.discovery('bench').runOnce();
    const enqueueMs = performance.now() - t0;
    console.log(`enqueued ${discovered.enqueued.length} jobs in ${enqueueMs.toFixed(0)} ms (discovery, ${(discovered.enqueued.length / (enqueueMs / 1000)).toFixed(0)} jobs/s)`);
    if (discovered.enqueued.length !== orders) throw new Error(`expected ${orders} orders, discovered ${discovered.enqueued.length}`);

    if (queue !== undefined) {
      sample();
      const afterEnqueue = process.memoryUsage();
      console.log(`hub opened:    ${describe(atStart)}`);
      console.log(`after enqueue: ${describe(afterEnqueue)}`);
      hub.worker.start();
      const seconds = Number(args.seconds);
      // A line every 10 s: whether memory levels off or keeps growing with the jobs done.
      const progress = setInterval(() => {
        void hub.store.countJobs().then((rows) => {
          const finished = rows.filter((c) => c.state === 'done').reduce((n, c) => n + c.count, 0);
          const m = process.memoryUsage();
          console.log(`  ${String(finished).padStart(6)} done: rss ${mb(m.rss)}, heapTotal ${mb(m.heapTotal)}, heapUsed ${mb(m.heapUsed)}; peak rss so far ${mb(peak.rss)}`);
        });
      }, 10_000);
      await new Promise((r) => setTimeout(r, seconds * 1000));
      clearInterval(progress);
      await hub.worker.stop();
      sample();
      const counts = await hub.store.countJobs();
      const done = counts.filter((c) => c.state === 'done').reduce((n, c) => n + c.count, 0);
      console.log(`ran the worker ${seconds} s with ${queue} queued: ${done} done`);
      console.log(`at the end:    ${describe(process.memoryUsage())}`);
      console.log(`resident memory by mapping at the end: ${residentByMapping()}`);
      const { getHeapSpaceStatistics } = await import('node:v8');
      console.log(`heap spaces at the end (committed): ${getHeapSpaceStatistics().map((s) => `${s.space_name} ${mb(s.physical_space_size)}`).join(', ')}`);
      console.log(`peak rss ${mb(peak.rss)}, peak heapUsed ${mb(peak.heapUsed)} (target rss < 150 MB)`);
      return;
    }

    const t1 = performance.now();
    const cpu0 = process.cpuUsage();
    await hub.worker.runOnce();
    const ms = performance.now() - t1;
    const cpu = process.cpuUsage(cpu0);
    const counts = await hub.store.countJobs();
    const done = counts.filter((c) => c.state === 'done').reduce((n, c) => n + c.count, 0);
    const journal = (await (await fetch(`${emulators.urls.cetec}/__emulator/journal`)).json()) as unknown[];
    const calls = journal.length;
    const boundMs = (calls * latency) / concurrency;
    const perMinute = (done / ms) * 60_000;
    const boundPerMinute = (orders / boundMs) * 60_000;
    console.log(`exported ${done}/${orders} orders in ${(ms / 1000).toFixed(2)} s with ${calls} Cetec calls (${(calls / orders).toFixed(2)} per order), latency ${latency} ms, Cetec concurrency ${concurrency}, worker lanes ${workerConcurrency ?? `${concurrency} (default)`}`);
    console.log(`throughput ${perMinute.toFixed(0)} orders/min`);
    console.log(`bound      ${boundPerMinute.toFixed(0)} orders/min (${calls} calls × ${latency} ms ÷ ${concurrency} = ${(boundMs / 1000).toFixed(2)} s)`);
    console.log(`ratio      ${((perMinute / boundPerMinute) * 100).toFixed(1)} % of the bound (target ≥ 90 %)`);
    console.log(`per order  ${(ms / done).toFixed(1)} ms wall; overhead per Cetec call ≈ ${(((ms - boundMs) * concurrency) / calls).toFixed(1)} ms beyond the latency`);
    // Where the time beyond the bound goes: inside the calls (HTTP + emulator) or between them (hub).
    let inCalls = 0;
    let recorded = 0;
    for (let offset = 0; offset < orders; offset += 1000) {
      for (const job of (await hub.store.listJobs({ limit: 1000, offset })).jobs) {
        for (const t of await hub.store.listTransfers(job.id)) {
          inCalls += t.durationMs ?? 0;
          recorded++;
        }
      }
    }
    console.log(
      `calls took ${(inCalls / recorded).toFixed(1)} ms on average as the hub saw them (${(inCalls / recorded - latency).toFixed(1)} ms beyond the latency: HTTP and the emulator); ` +
        `lanes busy outside calls ≈ ${((ms * concurrency - inCalls) / done).toFixed(1)} ms per order (Paperless fetch, translation, store writes, transfer records)`,
    );
    // The same bound with the call time the hub actually saw: what is left is the hub's own overhead.
    console.log(`ratio to the bound from measured call times (Σ call time ÷ ${concurrency} = ${(inCalls / concurrency / 1000).toFixed(2)} s): ${(((inCalls / concurrency) / ms) * 100).toFixed(1)} %`);
    console.log(`hub CPU ${((cpu.user + cpu.system) / 1000 / done).toFixed(1)} ms per order (user ${(cpu.user / 1000 / done).toFixed(1)}, system ${(cpu.system / 1000 / done).toFixed(1)}; the hub's busy share of the run ${(((cpu.user + cpu.system) / 1000 / ms) * 100).toFixed(0)} %)`);
    console.log(`peak rss ${mb(peak.rss)}, peak heapUsed ${mb(peak.heapUsed)}`);
  } finally {
    clearInterval(sampler);
    await hub.close();
    emulators.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Linux: resident set by mapping (binary, libraries, anonymous), largest first, from /proc/self/smaps. */
function residentByMapping(): string {
  let text: string;
  try {
    text = readFileSync('/proc/self/smaps', 'utf8');
  } catch {
    return 'not available on this system';
  }
  const byName = new Map<string, number>();
  let name = '[anon]';
  for (const line of text.split('\n')) {
    const header = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (header) {
      name = header[1] === '' ? '[anon]' : path.basename(header[1]!);
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) byName.set(name, (byName.get(name) ?? 0) + Number(rss[1]));
  }
  return [...byName.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 6)
    .map(([n, kb]) => `${n} ${(kb / 1024).toFixed(1)} MB`)
    .join(', ');
}
