import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { diagnose, mappingFindings } from '../../src/cli/doctor.ts';
import { loadConfig } from '../../src/config/load.ts';

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
      routing: { operations: { "CNC Milling": cnc_milling }, defaultLocation: null }
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

test('doctor reports a broken config file with file, key and value', () => {
  const findings = diagnose(configFile(YAML.replace('https://acme.cetecerp.com', 'not a url')), {});
  assert.equal(findings.length, 1);
  assert.match(findings[0]!.text, /shopwire\.yaml: profiles\.prod\.cetec\.baseUrl: .*"not a url"/);
});

test('doctor --orders finds the operations a profile cannot map in real data', () => {
  const config = loadConfig({ file: configFile(YAML), env: {} });
  const findings = mappingFindings(config, [ORDER]);
  const prod = findings.filter((f) => f.text.includes('profile prod'));
  assert.ok(prod.some((f) => f.level === 'ok' && /translates into 3 Cetec call/.test(f.text)), JSON.stringify(prod));
  const sandbox = findings.filter((f) => f.text.includes('profile sandbox') && f.level === 'error');
  assert.ok(sandbox.length > 0, 'the sandbox profile maps only CNC Milling');
  assert.ok(sandbox.every((f) => /has no Cetec location/.test(f.text)), sandbox.map((f) => f.text).join('\n'));
});
