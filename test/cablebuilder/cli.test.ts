/**
 * `shopwire preview-design` and `shopwire design get|create` as a user runs them (a child process
 * on the real CLI entry), against the CableBuilder emulator on 127.0.0.1.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startCableBuilderEmulator, type CableBuilderEmulator } from '../../emulators/cablebuilder/server.ts';

const bin = new URL('../../bin/shopwire.js', import.meta.url).pathname;
const fixtures = new URL('../fixtures/cablebuilder/', import.meta.url).pathname;
const env = { ...process.env, SHOPWIRE_CONFIG: '', SHOPWIRE_CABLEBUILDER_URL: '' };

function run(args: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { env: { ...env, ...extraEnv }, cwd: tmpdir(), timeout: 20_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

let emulator: CableBuilderEmulator;
before(async () => {
  emulator = await startCableBuilderEmulator();
});
after(async () => {
  await emulator.close();
});

test('preview-design --json is byte-identical across runs and equals the golden plan', async () => {
  const args = ['preview-design', '--file', path.join(fixtures, 'get-design-cable-a-multilevel.json'), '--options', path.join(fixtures, 'translation-options.json'), '--json'];
  const first = await run(args);
  const second = await run(args);
  assert.equal(first.code, 0, first.stderr);
  assert.equal(first.stdout, second.stdout);
  assert.equal(first.stdout, readFileSync(path.join(fixtures, 'get-design-cable-a-multilevel.plan.json'), 'utf8'));
});

test('preview-design names every problem and exits 1 when the design cannot be translated', async () => {
  const result = await run(['preview-design', '--file', path.join(fixtures, 'send-design-cable-a.json')]);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /design CABLE_A#0 › operation 10 › resource 10 LAY_A_01: resource "LAY_A_01" has no Cetec location/);
});

test('design get prints the design; an unknown design is reported by its exception', async () => {
  const ok = await run(['design', 'get', 'CABLE_A', '--base-url', emulator.url, '--json']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(JSON.parse(ok.stdout)[0].detail.version, 3);
  const missing = await run(['design', 'get', 'NO_SUCH'], { SHOPWIRE_CABLEBUILDER_URL: emulator.url });
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /DesignDoesNotExistException/);
});

test('design create refuses a code with a space before sending, and creates a good one', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'shopwire-design-'));
  const body = { detail: { design: 'CABLE B', designAlternative: 0 }, header: { attributes: [{ name: 'standard', value: 'BS6004' }] }, plant: { plant: 'PLANT_A', attributes: [] } };
  writeFileSync(path.join(dir, 'bad.json'), JSON.stringify(body));
  const bad = await run(['design', 'create', path.join(dir, 'bad.json'), '--base-url', emulator.url]);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /InvalidDesignCodeException/);
  assert.equal(emulator.state.log.filter((e) => e.endpoint === 'createDesign').length, 0, 'nothing was sent');
  body.detail.design = 'CABLE_B';
  writeFileSync(path.join(dir, 'good.json'), JSON.stringify(body));
  const good = await run(['design', 'create', path.join(dir, 'good.json'), '--base-url', emulator.url]);
  assert.equal(good.code, 0, good.stderr);
  assert.ok(emulator.design('CABLE_B'));
});
