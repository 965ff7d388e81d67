import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { diagnose, orderFindings, runDoctor } from '../../src/cli/doctor.ts';
import { spawnSync } from 'node:child_process';
import { generateBadOrder } from '../../emulators/paperless/generate-order.ts';
import { parse as parseYaml } from 'yaml';
import { deepMerge } from '../../src/config/load.ts';
import { loadConfig } from '../../src/config/load.ts';

const BIN = fileURLToPath(new URL('../../bin/shopwire.js', import.meta.url));
const ORDER = fileURLToPath(new URL('../../fixtures/paperless/order.json', import.meta.url));

function configFile(yaml: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'shopwire-doctor-')), 'shopwire.yaml');
  writeFileSync(file, yaml);
  return file;
}

const YAML = `
profiles:
  prod:
    cetec: { baseUrl: https://acme.cetecerp.com }
  sandbox:
    extends: prod
    cetec: { baseUrl: http://cetec.internal.example, tokenEnv: CETEC_SANDBOX_TOKEN }
    translation:
      routing: { operations: { replace: true, entries: { "CNC Milling": cnc_milling } }, defaultLocation: null }
dashboard:
  apiTokenEnv: SHOPWIRE_API_TOKEN
cablebuilder:
  receiver: { auth: { mode: shared-secret, secretEnv: CB_SECRET } }
`;

test('doctor names every missing secret by the key that uses it, without printing any value', () => {
  const findings = diagnose(configFile(YAML), { PAPERLESS_TOKEN: 'pp-secret-value', CETEC_TOKEN: 'cetec-secret-value' });
  const errors = findings.filter((f) => f.level === 'error').map((f) => f.text);
  assert.ok(errors.some((t) => t.startsWith('profiles.sandbox.cetec.tokenEnv: secret CETEC_SANDBOX_TOKEN is not set')), errors.join('\n'));
  assert.ok(errors.some((t) => t.startsWith('dashboard.apiTokenEnv: secret SHOPWIRE_API_TOKEN is not set')));
  assert.ok(errors.some((t) => t.startsWith('cablebuilder.receiver.auth.secretEnv: secret CB_SECRET is not set')));
  assert.ok(errors.some((t) => t.includes('http://cetec.internal.example is plain http')), 'tokens over plain http are refused');
  assert.ok(!errors.some((t) => t.startsWith('profiles.prod.cetec.tokenEnv')), 'set secrets are fine');
  assert.ok(!JSON.stringify(findings).includes('secret-value'));
});

test('doctor reports every problem of a broken file in one run, each on its own, with the right count', () => {
  const broken = `
server: { port: eighty }
profiles:
  prod:
    cetec: { baseUrl: not a url, token: abc123 }
  sandbox:
    cetec: { baseUrl: https://acme-sandbox.cetecerp.com, tokenEnv: CETEC_SANDBOX_TOKEN, concurency: 4 }
  spare:
    cetec: { baseUrl: https://acme.cetecerp.com/api }
    paperless: { baseUrl: https://api.paperlessparts.com/v2, integrationUuid: "5f3c…" }
`;
  const file = configFile(broken);
  const env = { ...process.env, PAPERLESS_TOKEN: 'pp', CETEC_TOKEN: 'ct', CETEC_SANDBOX_TOKEN: 'cs' };
  const result = spawnSync(process.execPath, [BIN, '--config', file, 'doctor'], { encoding: 'utf8', env });
  assert.equal(result.status, 2, result.stderr);
  const fails = result.stdout.split('\n').filter((l) => l.startsWith('FAIL'));
  const expected = [
    /server\.port: .*\(got "eighty"\)/,
    /profiles\.prod\.cetec\.token: secrets may not be written in the config file/,
    /profiles\.prod\.cetec\.baseUrl: .*"not a url"/,
    /profiles\.sandbox\.cetec: unknown key "concurency"/,
    /profiles\.spare\.cetec\.baseUrl: https:\/\/acme\.cetecerp\.com\/api ends in \/api/,
    /profiles\.spare\.paperless\.baseUrl: .*\/v2 has a version or API path/,
    /profiles\.spare\.paperless\.integrationUuid: "5f3c…" is a placeholder/,
  ];
  for (const re of expected) assert.ok(fails.some((l) => re.test(l)), `${re} not in:\n${result.stdout}`);
  assert.equal(fails.length, expected.length, result.stdout);
  assert.match(result.stdout, new RegExp(`doctor: ${expected.length} problem\\(s\\) to fix`));
  assert.ok(!result.stdout.includes('\u001b['), 'no colours when stdout is not a terminal');
  assert.ok(!result.stdout.includes('abc123'), 'the inline secret is not echoed');

  const json = spawnSync(process.execPath, [BIN, '--config', file, 'doctor', '--json'], { encoding: 'utf8', env });
  assert.equal(json.status, 2);
  const report = JSON.parse(json.stdout) as { problems: number; findings: { level: string; check: string }[] };
  assert.equal(report.problems, expected.length);
  assert.equal(report.findings.filter((f) => f.level === 'error').length, expected.length);
});

test('doctor catches a malformed integration uuid and two profiles sharing one Paperless token and integration', async () => {
  const uuid = '0b7e3a52-9c4d-4f1e-8a6b-2d5c9e1f7a30';
  const yaml = `
profiles:
  prod:
    paperless: { integrationUuid: ${uuid} }
    cetec: { baseUrl: https://acme.cetecerp.com }
  sandbox:
    extends: prod
    cetec: { baseUrl: https://acme-sandbox.cetecerp.com }
  quiet:
    extends: prod
    cetec: { baseUrl: https://acme-quiet.cetecerp.com }
    discovery: { newOrders: false, integrationActions: false }
  other:
    paperless: { integrationUuid: 0b7e3a52-9c4d-4f1e-8a6b, tokenEnv: OTHER_TOKEN }
    cetec: { baseUrl: https://acme-other.cetecerp.com }
`;
  const report = await runDoctor({ file: configFile(yaml), env: { PAPERLESS_TOKEN: 'same', OTHER_TOKEN: 'same', CETEC_TOKEN: 'c' } });
  const errors = report.findings.filter((f) => f.level === 'error').map((f) => f.text);
  assert.ok(errors.some((t) => /^profiles prod and sandbox share one Paperless Parts token and integration/.test(t)), errors.join('\n'));
  assert.ok(!errors.some((t) => /quiet share|and quiet/.test(t)), 'a profile with discovery off is not a second poller');
  assert.ok(!errors.some((t) => /and other share/.test(t)), 'another integration is another poller');
  assert.ok(errors.some((t) => /profiles\.other\.paperless\.integrationUuid: "0b7e3a52-9c4d-4f1e-8a6b" is not a uuid/.test(t)), errors.join('\n'));
  assert.equal(report.problems, errors.length);
  assert.equal(errors.length, 2, errors.join('\n'));
});

test('doctor says which built-in mapping entries are in force, and what the file added, changed or replaced', () => {
  const yaml = `
profiles:
  prod:
    cetec: { baseUrl: https://acme.cetecerp.com }
    translation:
      routing: { operations: { Levitation: outside_service, Welding: welding_bay } }
      salesOrder: { shipVia: { replace: true, entries: { pickup: pickup } } }
`;
  const texts = diagnose(configFile(yaml), {}).filter((f) => f.check === 'mappings').map((f) => f.text);
  assert.ok(texts.includes('profiles.prod.translation.routing.operations: 27 entries: 25 of 26 built-in entries in force; added "Levitation"; changed "Welding"'), texts.join('\n'));
  assert.ok(texts.some((t) => /^profiles\.prod\.translation\.salesOrder\.shipVia: 1 entries: 1 of 12 built-in entries in force; removed/.test(t)), texts.join('\n'));
  assert.ok(texts.includes('profiles.prod.translation.salesOrder.paymentTerms: 7 entries: 7 of 7 built-in entries in force'), texts.join('\n'));
});

test('doctor --orders groups each unmapped value with its count and the orders it blocks, and the YAML it prints maps it', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'shopwire-doctor-orders-'));
  const files = [ORDER];
  for (const [seed, number] of [[11, 5001], [12, 5002]] as const) {
    const file = path.join(dir, `${number}.json`);
    writeFileSync(file, JSON.stringify(generateBadOrder(seed, number, 'unmapped-operation').order));
    files.push(file);
  }
  const yaml = 'profiles:\n  shop:\n    cetec: { baseUrl: https://acme.cetecerp.com }\n';
  const config = loadConfig({ file: configFile(yaml), env: {} });
  const { unmapped, findings } = orderFindings(config, files);
  assert.ok(unmapped.length >= 1, JSON.stringify(findings));
  const group = unmapped[0]!;
  assert.equal(group.kind, 'operation');
  assert.deepEqual(group.orders, ['order 5001', 'order 5002']);
  assert.ok(group.count >= 2);
  const grouped = findings.filter((f) => f.check === 'mappings' && f.level === 'error');
  assert.equal(grouped.length, unmapped.length, 'one finding per unmapped value, not one per occurrence');
  assert.ok(grouped[0]!.text.includes(`${group.count} time(s) in 2 order(s) (order 5001, order 5002)`), grouped[0]!.text);
  // The YAML, with a real location in place of the placeholder, added to the file fixes every order.
  const fixes = unmapped.map((g) => parseYaml(g.yaml!.replace('CETEC_KEY', 'outside_service')) as Record<string, unknown>);
  const fixed = fixes.reduce((acc, fix) => deepMerge(acc, fix), parseYaml(yaml) as Record<string, unknown>);
  const after = orderFindings(loadConfig({ file: configFile(JSON.stringify(fixed)), env: {} }), files);
  assert.deepEqual(after.unmapped, []);
  assert.equal(after.findings.filter((f) => f.level === 'error').length, 0, JSON.stringify(after.findings));
});

test('doctor shows each profile\'s discovery schedule, and names a bad cron expression by profile and field', () => {
  const cron = YAML.replace('    cetec: { baseUrl: https://acme.cetecerp.com }\n', '    cetec: { baseUrl: https://acme.cetecerp.com }\n    schedule: { cron: "*/10 6-18 * * 1-5", timezone: America/Chicago }\n');
  const env = { PAPERLESS_TOKEN: 'x', CETEC_TOKEN: 'y', CETEC_SANDBOX_TOKEN: 'z', SHOPWIRE_API_TOKEN: 'a', CB_SECRET: 'b' };
  const texts = diagnose(configFile(cron), env).filter((f) => f.check === 'schedule').map((f) => f.text);
  assert.equal(texts.length, 2, 'one line per profile');
  assert.match(texts[0]!, /^profiles\.prod\.schedule: discovery at cron "\*\/10 6-18 \* \* 1-5" \(America\/Chicago\): next \d{4}-\d\d-\d\dT\d\d:\d0:00\.000Z, \d{4}-/);
  assert.match(texts[1]!, /^profiles\.sandbox\.schedule: discovery at cron "\*\/10 6-18 \* \* 1-5"/, 'inherited');
  const interval = diagnose(configFile(YAML), env).filter((f) => f.check === 'schedule').map((f) => f.text);
  assert.match(interval[0]!, /^profiles\.prod\.schedule: discovery every 5 minute\(s\), and at start$/);
  const bad = diagnose(configFile(cron.replace('*/10 6-18 * * 1-5', '*/10 6-18 * *')), env).filter((f) => f.level === 'error').map((f) => f.text);
  assert.ok(bad.some((t) => /profiles\.prod\.schedule\.cron: not a cron expression: "\*\/10 6-18 \* \*"/.test(t)), bad.join('\n'));
});
