/** `shopwire preview` as a user runs it: a subprocess, byte-identical output, exit codes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FIXTURES, PLANS } from './helpers.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const orderFile = fileURLToPath(new URL('order.json', FIXTURES));

function run(args: string[], cwd: string) {
  const env = { ...process.env };
  delete env.SHOPWIRE_CONFIG;
  return spawnSync(process.execPath, [path.join(root, 'bin/shopwire.js'), ...args], { cwd, env, encoding: 'utf8', timeout: 30_000 });
}

test('preview --json prints the plan, byte-identical on a second run, with a note about the example config', () => {
  const cwd = mkdtempSync(path.join(tmpdir(), 'shopwire-preview-'));
  try {
    const first = run(['preview', '--file', orderFile, '--json'], cwd);
    const second = run(['preview', '--file', orderFile, '--json'], cwd);
    assert.equal(first.status, 0, first.stderr);
    assert.equal(first.stdout, second.stdout);
    assert.match(first.stderr, /built-in example configuration/);
    assert.ok(first.stdout.endsWith('}\n'));
    const printed = JSON.parse(first.stdout) as { steps: unknown[]; warnings: unknown[] };
    assert.deepEqual(Object.keys(printed), ['steps', 'warnings']);
    assert.deepEqual(printed, JSON.parse(readFileSync(new URL('order-179.plan.json', PLANS), 'utf8')));
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('preview prints a readable tree, the sales order and warnings', () => {
  const cwd = mkdtempSync(path.join(tmpdir(), 'shopwire-preview-'));
  try {
    const result = run(['preview', '--file', orderFile], cwd);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^BOM 1: PRT PP-DDAB27AEFF7B rev \(none\)/);
    assert.match(result.stdout, /\n {2}1 × SUB PP-8DEB625756F8\n {6}1 × COM AC-M6-2\n/);
    assert.match(result.stdout, /@3 cnc_milling: #3 setup 3600 s, #4 run 178 s/);
    assert.match(result.stdout, /Sales order example-179/);
    assert.match(result.stdout, /line_1 {2}NN {2}1 × ZZZ PP-DDAB27AEFF7B @ 1000\.00/);
    assert.match(result.stdout, /Warnings: none\n$/);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('an order that cannot be translated exits 2 with every problem on stderr (and with --json, on stdout as JSON)', () => {
  const cwd = mkdtempSync(path.join(tmpdir(), 'shopwire-preview-'));
  try {
    const doc = JSON.parse(readFileSync(orderFile, 'utf8'));
    doc.order_items[0].unit_price = '551,56';
    doc.order_items[1].ships_on = null;
    const file = path.join(cwd, 'bad.json');
    writeFileSync(file, JSON.stringify(doc));
    const result = run(['preview', '--file', file, '--json'], cwd);
    assert.equal(result.status, 2);
    // With --json the problems are also on stdout, as JSON, for the script that asked.
    const problems = JSON.parse(result.stdout).error.problems as { where: string }[];
    assert.deepEqual(problems.map((p) => p.where), ['order 179 › order_items[0].unit_price', 'order 179 › order_items[1].ships_on']);
    assert.match(result.stderr, /order 179 is not a valid Paperless Parts order \(2 problems\)/);
    assert.match(result.stderr, /order_items\[0\]\.unit_price/);
    assert.match(result.stderr, /order_items\[1\]\.ships_on/);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('with a config file, preview uses the chosen profile’s translation options (merged through extends)', () => {
  const cwd = mkdtempSync(path.join(tmpdir(), 'shopwire-preview-'));
  try {
    const config = path.join(cwd, 'shopwire.yaml');
    writeFileSync(
      config,
      [
        'profiles:',
        '  prod:',
        '    cetec: { baseUrl: "https://acme.cetecerp.com" }',
        '    translation: { salesOrder: { location: WI, externalKeyTemplate: "PP-{order}" } }',
        '  sandbox:',
        '    extends: prod',
        '    cetec: { baseUrl: "https://acme-sandbox.cetecerp.com" }',
        '    translation: { salesOrder: { placeOrder: false } }',
        '',
      ].join('\n'),
    );
    const result = run(['--config', config, 'preview', '--file', orderFile, '--profile', 'sandbox', '--json'], cwd);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stderr, '');
    const printed = JSON.parse(result.stdout) as { steps: { kind: string; body: any }[] };
    const order = printed.steps.at(-1)!.body[0];
    assert.deepEqual([order.location, order.external_key, order.place_order], ['WI', 'PP-179', false]);
    const missing = run(['--config', config, 'preview', '--file', orderFile, '--profile', 'nope'], cwd);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /no profile named "nope"/);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});
