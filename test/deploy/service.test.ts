/**
 * It installs like a service, tested as far as this machine allows (no container engine, no
 * systemd as PID 1):
 * - deploy/shopwire.service: `systemd-analyze verify` on a copy with the paths of this checkout
 *   (when systemd-analyze exists), checks of what matters (not root, restart, state directory),
 *   then its ExecStart command line, run as written, answers /readyz and stops cleanly on SIGTERM.
 * - Dockerfile: its instructions linted (pinned Node 24 base, non-root USER, HEALTHCHECK, VOLUME
 *   for the store, ENTRYPOINT), then its build steps replayed in a temporary root (npm ci as
 *   written, each COPY), and the image's ENTRYPOINT + CMD started there with the ENV lines, the
 *   container config it ships (store on the volume) and the HEALTHCHECK command run against it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse, stringify } from 'yaml';
import { startCetecEmulator, type CetecEmulator } from '../../emulators/cetec/server.ts';
import { startPaperlessEmulator, type PaperlessEmulator } from '../../emulators/paperless/server.ts';

const REPO = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
const run = promisify(execFile);
let cetec: CetecEmulator;
let paperless: PaperlessEmulator;
let dir: string;

before(async () => {
  cetec = await startCetecEmulator({ tokens: ['svc-cetec'] });
  paperless = await startPaperlessEmulator({ token: 'svc-pp', orders: [] });
  dir = mkdtempSync(path.join(tmpdir(), 'shopwire-deploy-'));
});

after(async () => {
  await Promise.all([cetec?.close(), paperless?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function readyz(port: number, child: ChildProcess, output: () => string): Promise<{ status: string }> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`exited early (${child.exitCode}):\n${output()}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (res.status === 200) return (await res.json()) as { status: string };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`/readyz not 200 after 60 s:\n${output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function start(argv: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): { child: ChildProcess; output: () => string } {
  const child = spawn(argv[0]!, argv.slice(1), { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return { child, output: () => out };
}

async function stop(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await exited;
  clearTimeout(timer);
  return code;
}

/** `[section] key=value` lines of a unit file, repeated keys kept in order. */
function parseUnit(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const header = /^\[(\w+)\]$/.exec(line);
    if (header) {
      section = header[1]!;
      continue;
    }
    const eq = line.indexOf('=');
    assert.ok(eq > 0, `not a key=value line: ${line}`);
    const key = `${section}.${line.slice(0, eq)}`;
    out.set(key, [...(out.get(key) ?? []), line.slice(eq + 1)]);
  }
  return out;
}

const profileFor = () => ({ cetec: { baseUrl: cetec.url, tokenEnv: 'CETEC_TOKEN' }, paperless: { baseUrl: paperless.url, tokenEnv: 'PAPERLESS_TOKEN' }, schedule: { everyMinutes: 60 } });

test('the systemd unit verifies, runs as a non-root user, and its ExecStart answers /readyz and stops on SIGTERM', async (t) => {
  const text = readFileSync(path.join(REPO, 'deploy/shopwire.service'), 'utf8');
  const unit = parseUnit(text);
  assert.equal(unit.get('Service.User')?.[0], 'shopwire');
  assert.notEqual(unit.get('Service.User')?.[0], 'root');
  assert.equal(unit.get('Service.Restart')?.[0], 'on-failure');
  assert.equal(unit.get('Service.KillSignal')?.[0], 'SIGTERM');
  assert.equal(unit.get('Service.StateDirectory')?.[0], 'shopwire');
  assert.equal(unit.get('Install.WantedBy')?.[0], 'multi-user.target');
  const execStart = unit.get('Service.ExecStart')![0]!;
  assert.match(execStart, /^\/opt\/shopwire\/node_modules\/\.bin\/node \/opt\/shopwire\/bin\/shopwire\.js --config \/etc\/shopwire\/shopwire\.yaml run$/);

  // This checkout stands in for /opt/shopwire, a temp file for /etc/shopwire/shopwire.yaml.
  const port = await freePort();
  const configFile = path.join(dir, 'service.yaml');
  writeFileSync(configFile, stringify({ profiles: { plant: profileFor() }, store: { sqlite: path.join(dir, 'state', 'shopwire.db') }, server: { host: '127.0.0.1', port } }));
  const local = text.replaceAll('/opt/shopwire', REPO).replaceAll('/etc/shopwire/shopwire.yaml', configFile).replaceAll('/var/lib/shopwire', path.join(dir, 'state'));
  const localUnit = path.join(dir, 'shopwire.service');
  writeFileSync(localUnit, local);
  let analyze: string | null = null;
  try {
    analyze = execFileSync('sh', ['-c', 'command -v systemd-analyze'], { encoding: 'utf8' }).trim() || null;
  } catch {
    analyze = null;
  }
  if (analyze === null) t.diagnostic('systemd-analyze is not installed: unit syntax not verified here');
  else {
    const verify = await run(analyze, ['verify', localUnit]).then(
      (r) => r.stderr,
      (e: { stderr: string }) => e.stderr,
    );
    // A machine without the shopwire user may say so; nothing else may be wrong.
    const problems = verify.split('\n').filter((l) => l.trim() !== '' && !/Failed to resolve (user|group)|(user|group) .*(does not exist|not found)/i.test(l));
    assert.deepEqual(problems, [], verify);
  }

  const argv = local.split('\n').find((l) => l.startsWith('ExecStart='))!.slice('ExecStart='.length).split(' ');
  const { child, output } = start(argv, { cwd: REPO, env: { PATH: process.env.PATH, CETEC_TOKEN: 'svc-cetec', PAPERLESS_TOKEN: 'svc-pp', NODE_COMPILE_CACHE: path.join(dir, 'state', '.compile-cache') } });
  try {
    assert.deepEqual(await readyz(port, child, output), { status: 'ready' });
  } finally {
    assert.equal(await stop(child), 0, `clean stop on SIGTERM:\n${output()}`);
  }
});

type Instruction = { op: string; args: string };

function dockerInstructions(text: string): Instruction[] {
  const joined = text.replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const space = l.indexOf(' ');
      return { op: l.slice(0, space).toUpperCase(), args: l.slice(space + 1).trim() };
    });
}

test('the Dockerfile: linted, its build steps replayed in a temp root, its ENTRYPOINT answers /readyz and its HEALTHCHECK passes', async () => {
  const steps = dockerInstructions(readFileSync(path.join(REPO, 'Dockerfile'), 'utf8'));
  const of = (op: string) => steps.filter((s) => s.op === op);
  assert.match(of('FROM')[0]!.args, /^node:24(-[a-z0-9-]+)?$/, 'a Node 24 base image');
  const user = of('USER').at(-1)!.args;
  assert.ok(user !== 'root' && user !== '0', 'runs as a non-root user');
  assert.ok(steps.findIndex((s) => s.op === 'USER') > steps.findIndex((s) => s.op === 'RUN' && /useradd/.test(s.args)), 'the user exists before USER');
  const health = of('HEALTHCHECK')[0]!.args;
  assert.match(health, /CMD \[/);
  const volume = JSON.parse(of('VOLUME')[0]!.args) as string[];
  const workdir = of('WORKDIR')[0]!.args;
  const env = Object.fromEntries(of('ENV').flatMap((s) => [...s.args.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1]!, m[2]!])));
  const entry = [...(JSON.parse(of('ENTRYPOINT')[0]!.args) as string[]), ...(JSON.parse(of('CMD')[0]!.args) as string[])];
  assert.deepEqual(entry, ['node', 'bin/shopwire.js', 'run']);
  const ignore = readFileSync(path.join(REPO, '.dockerignore'), 'utf8').split('\n');
  assert.ok(ignore.includes('node_modules') && ignore.includes('.shopwire'), '.dockerignore keeps the local install and state out');

  // Replay: the image's file system under `root`.
  const root = path.join(dir, 'image');
  const at = (p: string) => path.join(root, p);
  mkdirSync(at(workdir), { recursive: true });
  for (const s of steps) {
    if (s.op === 'COPY') {
      const parts = s.args.split(/\s+/);
      const target = parts.at(-1)!;
      for (const source of parts.slice(0, -1)) {
        assert.ok(existsSync(path.join(REPO, source)), `COPY source ${source} exists`);
        const dest = target.startsWith('/') ? at(target) : path.join(at(workdir), target);
        const intoDir = target.endsWith('/') || parts.length > 2;
        mkdirSync(intoDir ? dest : path.dirname(dest), { recursive: true });
        cpSync(path.join(REPO, source), intoDir ? path.join(dest, path.basename(source)) : dest, { recursive: true });
      }
    } else if (s.op === 'RUN' && s.args.startsWith('npm ci')) {
      // As written (the registry is the one network this may use), in the image's WORKDIR.
      const command = s.args.split('&&')[0]!.trim().split(/\s+/);
      await run('npm', [...command.slice(1), '--prefer-offline'], { cwd: at(workdir), env: { ...process.env }, timeout: 300_000 });
    }
  }
  assert.ok(existsSync(path.join(at(workdir), 'node_modules/fastify')), 'npm ci installed the dependencies');
  assert.ok(!existsSync(path.join(at(workdir), 'node_modules/typescript')), 'no dev dependencies in the image');

  // The shipped container config, with the emulators, a free port and the volume under `root`.
  const shipped = parse(readFileSync(at(env.SHOPWIRE_CONFIG!), 'utf8')) as { store: { sqlite: string }; server: { host: string; port: number }; profiles: Record<string, unknown> };
  assert.equal(shipped.server.host, '0.0.0.0', 'listens on every interface inside the container');
  assert.ok(volume.some((v) => shipped.store.sqlite.startsWith(`${v}/`)), `the store (${shipped.store.sqlite}) is on the volume (${volume.join(', ')})`);
  assert.ok(of('EXPOSE').some((e) => e.args === String(shipped.server.port)));
  const port = await freePort();
  const configFile = at(env.SHOPWIRE_CONFIG!);
  const name = Object.keys(shipped.profiles)[0]!;
  writeFileSync(configFile, stringify({ ...shipped, profiles: { [name]: profileFor() }, store: { sqlite: at(shipped.store.sqlite) }, server: { host: '127.0.0.1', port }, dashboard: undefined }));
  mkdirSync(at(volume[0]!), { recursive: true });
  const imageEnv = { PATH: process.env.PATH, ...env, SHOPWIRE_CONFIG: configFile, NODE_COMPILE_CACHE: path.join(root, 'tmp-cache'), CETEC_TOKEN: 'svc-cetec', PAPERLESS_TOKEN: 'svc-pp' };
  const { child, output } = start([process.execPath, ...entry.slice(1)], { cwd: at(workdir), env: imageEnv });
  try {
    assert.deepEqual(await readyz(port, child, output), { status: 'ready' });
    const check = JSON.parse(health.slice(health.indexOf('CMD ') + 4)) as string[];
    const script = check[2]!.replace('127.0.0.1:8080', `127.0.0.1:${port}`);
    await run(process.execPath, [check[1]!, script], { timeout: 30_000 });
    assert.ok(existsSync(at(shipped.store.sqlite)), 'the store was created on the volume');
  } finally {
    assert.equal(await stop(child), 0, `clean stop on SIGTERM:\n${output()}`);
  }
});
