/** What a script calling shopwire relies on: --version, JSON on stdout for failures, stdin for --file -, no colours in pipes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateBadOrder } from '../../emulators/paperless/generate-order.ts';

const BIN = fileURLToPath(new URL('../../bin/shopwire.js', import.meta.url));
const ORDER = fileURLToPath(new URL('../../fixtures/paperless/order.json', import.meta.url));
const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

function run(args: string[], stdin = '', env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, SHOPWIRE_CONFIG: '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += String(c)));
    child.stderr.on('data', (c) => (stderr += String(c)));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

test('--version prints the package version', async () => {
  const { code, stdout } = await run(['--version']);
  assert.equal(code, 0);
  assert.equal(stdout.trim(), VERSION);
});

test('preview --file - reads the order from stdin, the same plan as from the file', async () => {
  const piped = await run(['preview', '--file', '-', '--json'], readFileSync(ORDER, 'utf8'));
  const fromFile = await run(['preview', '--file', ORDER, '--json']);
  assert.equal(piped.code, 0, piped.stderr);
  assert.equal(piped.stdout, fromFile.stdout);
  assert.ok(JSON.parse(piped.stdout).steps.length > 0);
});

test('preview --json of an order that cannot be translated: exit 2, every problem as JSON on stdout', async () => {
  const bad = generateBadOrder(8, 1, 'unmapped-operation').order;
  const { code, stdout, stderr } = await run(['preview', '--file', '-', '--json'], JSON.stringify(bad));
  assert.equal(code, 2);
  const body = JSON.parse(stdout) as { error: { code: string; exitCode: number; problems: { code: string; where: string; message: string }[] } };
  assert.equal(body.error.code, 'order.untranslatable');
  assert.equal(body.error.exitCode, 2);
  assert.ok(body.error.problems.some((p) => p.code === 'operation.unmapped' && /"Levitation"/.test(p.message)), stdout);
  assert.match(stderr, /cannot be translated/, 'people still read it on stderr');
  const notJson = await run(['preview', '--file', '-', '--json'], '{ nope');
  assert.equal(notJson.code, 2);
  assert.equal(JSON.parse(notJson.stdout).error.code, 'order.not-json');
});

test('colours only on a terminal (or when FORCE_COLOR asks): none in a pipe', async () => {
  const piped = await run(['doctor', '--config', '/nonexistent/shopwire.yaml']);
  assert.equal(piped.code, 2);
  assert.ok(!piped.stdout.includes('\u001b['), piped.stdout);
  const forced = await run(['doctor', '--config', '/nonexistent/shopwire.yaml'], '', { FORCE_COLOR: '1' });
  assert.ok(forced.stdout.includes('\u001b[31mFAIL\u001b[0m'), forced.stdout);
});
