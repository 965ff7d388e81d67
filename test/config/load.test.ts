import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseConfig, loadConfigOrNull, selectProfile } from '../../src/config/load.ts';
import { redactText } from '../../src/lib/redact.ts';
import { DEFAULT_OPERATIONS } from '../../src/translate/order-to-cetec/options.ts';

const FILE = '/etc/shopwire/shopwire.yaml';

const BASE = `
profiles:
  prod:
    paperless: { integrationUuid: abc-123 }
    cetec: { baseUrl: https://acme.cetecerp.com/, tokenEnv: CETEC_TOKEN, concurrency: 4 }
  sandbox:
    extends: prod
    cetec: { baseUrl: https://acme-sandbox.cetecerp.com, tokenEnv: CETEC_SANDBOX_TOKEN }
`;

test('sandbox extends prod and overrides only the Cetec URL and token', () => {
  const config = parseConfig(BASE, FILE, {});
  const sandbox = selectProfile(config, 'sandbox');
  assert.equal(sandbox.cetec.baseUrl, 'https://acme-sandbox.cetecerp.com');
  assert.equal(sandbox.cetec.tokenEnv, 'CETEC_SANDBOX_TOKEN');
  assert.equal(sandbox.cetec.concurrency, 4, 'inherited from prod');
  assert.equal(sandbox.paperless.integrationUuid, 'abc-123', 'inherited from prod');
  const prod = selectProfile(config);
  assert.equal(prod.name, 'prod', 'the first profile is the default');
  assert.equal(prod.cetec.baseUrl, 'https://acme.cetecerp.com', 'trailing slash removed');
  assert.equal(prod.schedule.everyMinutes, 5, 'the seed schedule is the default');
});

test('errors name the file, the key path and the bad value', () => {
  const bad = BASE.replace('concurrency: 4', 'concurrency: "four"');
  assert.throws(
    () => parseConfig(bad, FILE, {}),
    (error: Error) => {
      assert.match(error.message, /\/etc\/shopwire\/shopwire\.yaml: profiles\.prod\.cetec\.concurrency: .*"four"/);
      return true;
    },
  );
  assert.throws(() => parseConfig(BASE.replace('tokenEnv: CETEC_TOKEN,', 'tokenEnvv: CETEC_TOKEN,'), FILE, {}), /profiles\.prod\.cetec: unknown key "tokenEnvv"/);
  assert.throws(() => parseConfig(BASE.replace('https://acme.cetecerp.com/', 'acme'), FILE, {}), /profiles\.prod\.cetec\.baseUrl: .*"acme"/);
  assert.throws(() => parseConfig('profiles: [1', FILE, {}), /shopwire\.yaml:\d+:\d+: not valid YAML/);
});

test('a profile extending a missing profile or looping is refused', () => {
  assert.throws(() => parseConfig(BASE.replace('extends: prod', 'extends: prdo'), FILE, {}), /profiles\.sandbox\.extends: no profile named "prdo"/);
  const loop = BASE.replace('  prod:\n', '  prod:\n    extends: sandbox\n');
  assert.throws(() => parseConfig(loop, FILE, {}), /extend each other in a loop/);
});

test('secrets are refused in the file and read from the environment or the secrets file', () => {
  assert.throws(
    () => parseConfig(BASE.replace('tokenEnv: CETEC_TOKEN,', 'token: s3cr3t-value,'), FILE, {}),
    (error: Error) => {
      assert.match(error.message, /profiles\.prod\.cetec\.token: secrets may not be written in the config file/);
      assert.doesNotMatch(error.message, /s3cr3t-value/);
      return true;
    },
  );
  const dir = mkdtempSync(path.join(tmpdir(), 'shopwire-config-'));
  writeFileSync(path.join(dir, 'secrets.yaml'), 'CETEC_SANDBOX_TOKEN: "from;file|[token]"\n');
  chmodSync(path.join(dir, 'secrets.yaml'), 0o600);
  writeFileSync(path.join(dir, 'shopwire.yaml'), `secretsFile: secrets.yaml\n${BASE}`);
  const config = loadConfigOrNull({ file: path.join(dir, 'shopwire.yaml'), env: { CETEC_TOKEN: 'from-env-1234' } });
  assert.ok(config);
  assert.equal(config.secret('CETEC_TOKEN', 'profiles.prod.cetec.tokenEnv'), 'from-env-1234');
  assert.equal(config.secret('CETEC_SANDBOX_TOKEN', 'x'), 'from;file|[token]');
  assert.equal(redactText('url?preshared_token=from%3Bfile%7C%5Btoken%5D'), 'url?preshared_token=[redacted]');
  assert.equal(redactText('value from;file|[token] here'), 'value [redacted] here', 'read secrets are redacted from text');
  assert.throws(() => config.secret('PAPERLESS_TOKEN', 'profiles.prod.paperless.tokenEnv'), /profiles\.prod\.paperless\.tokenEnv: the secret PAPERLESS_TOKEN is not set/);
});

test('no config file gives null so commands can fall back to the built-in example', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'shopwire-config-'));
  assert.equal(loadConfigOrNull({ cwd: dir, env: {} }), null);
  assert.throws(() => loadConfigOrNull({ file: 'missing.yaml', cwd: dir, env: {} }), /missing\.yaml: config file not found/);
});

test('a YAML syntax error shows the lines around it with a caret, not a dangling "column 1:"', () => {
  const text = 'profiles:\n  prod:\n    cetec: { baseUrl: https://a.example\n    paperless:\n      tokenEnv: X\n';
  let message = '';
  try {
    parseConfig(text, FILE, {});
  } catch (error) {
    message = (error as Error).message;
  }
  const lines = message.split('\n');
  assert.match(lines[0]!, /shopwire\.yaml:4:5: not valid YAML: Flow map .* end with a }$/);
  assert.ok(!/column \d+:?$/.test(lines[0]!), lines[0]);
  assert.deepEqual(lines.slice(1), ['  2 |   prod:', '  3 |     cetec: { baseUrl: https://a.example', '> 4 |     paperless:', '    |     ^']);
});

test('operator entries extend a mapping table entry by entry; replacing it is explicit; extends keeps both rules', () => {
  const text = `
profiles:
  prod:
    cetec: { baseUrl: https://acme.cetecerp.com }
    translation:
      routing: { operations: { Levitation: outside_service, Welding: welding_bay, Deburr: null } }
      salesOrder: { shipVia: { dhl_express: dhl } }
  sandbox:
    extends: prod
    cetec: { baseUrl: https://acme-sandbox.cetecerp.com }
    translation:
      routing: { operations: { Polishing: finishing } }
  own:
    extends: prod
    cetec: { baseUrl: https://acme-own.cetecerp.com }
    translation:
      routing: { operations: { replace: true, entries: { CNC Milling: cnc_milling } } }
`;
  const config = parseConfig(text, FILE, {});
  const prod = config.profiles.prod!.translation;
  const defaults = DEFAULT_OPERATIONS;
  assert.equal(prod.routing.operations.Levitation, 'outside_service', 'added');
  assert.equal(prod.routing.operations.Welding, 'welding_bay', 'overridden');
  assert.equal(prod.routing.operations.Deburr, undefined, 'removed with null');
  assert.equal(prod.routing.operations['CNC Milling'], 'cnc_milling', 'every other default stays');
  assert.equal(Object.keys(prod.routing.operations).length, Object.keys(defaults).length);
  assert.equal(prod.salesOrder.shipVia.dhl_express, 'dhl');
  assert.equal(prod.salesOrder.shipVia.ups_ground, 'ups_ground');
  const sandbox = config.profiles.sandbox!.translation.routing.operations;
  assert.equal(sandbox.Polishing, 'finishing');
  assert.equal(sandbox.Levitation, 'outside_service', 'the parent profile’s additions are inherited');
  assert.deepEqual(config.profiles.own!.translation.routing.operations, { 'CNC Milling': 'cnc_milling' });
  assert.throws(() => parseConfig(text.replace('Polishing: finishing', 'Polishing: 7'), FILE, {}), /profiles\.sandbox\.translation\.routing\.operations\.Polishing: .*expected string.*\(got 7\)/);
  assert.throws(() => parseConfig(text.replace('replace: true, entries', 'replace: true, entry'), FILE, {}), /profiles\.own\.translation\.routing\.operations/);
});

test('schedule.cron: a cron expression (with seconds or a timezone) validates; a bad one is named with its profile and field', () => {
  const withSchedule = (schedule: string) => BASE.replace('    paperless: { integrationUuid: abc-123 }\n', `    paperless: { integrationUuid: abc-123 }\n    schedule: ${schedule}\n`);
  const config = parseConfig(withSchedule('{ cron: "*/10 6-18 * * 1-5", timezone: America/Chicago }'), FILE, {});
  assert.equal(selectProfile(config, 'prod').schedule.cron, '*/10 6-18 * * 1-5');
  assert.equal(selectProfile(config, 'prod').schedule.timezone, 'America/Chicago');
  assert.equal(selectProfile(config, 'sandbox').schedule.cron, '*/10 6-18 * * 1-5', 'inherited through extends');
  assert.equal(selectProfile(parseConfig(withSchedule('{ cron: "* * * * * *" }'), FILE, {}), 'prod').schedule.cron, '* * * * * *', 'six fields: seconds first');
  assert.equal(selectProfile(parseConfig(BASE, FILE, {}), 'prod').schedule.cron, undefined, 'no cron by default: every 5 minutes');
  // A profile extending one with a cron expression may go back to an interval.
  const back = parseConfig(withSchedule('{ cron: "0 * * * *" }').replace('    extends: prod\n', '    extends: prod\n    schedule: { cron: null, everyMinutes: 2 }\n'), FILE, {});
  assert.equal(selectProfile(back, 'sandbox').schedule.cron, undefined);
  assert.equal(selectProfile(back, 'sandbox').schedule.everyMinutes, 2);

  assert.throws(() => parseConfig(withSchedule('{ cron: "*/5 * *" }'), FILE, {}), /shopwire\.yaml: profiles\.prod\.schedule\.cron: not a cron expression: "\*\/5 \* \*": .*five, six, or seven/);
  assert.throws(() => parseConfig(withSchedule('{ cron: "61 * * * *" }'), FILE, {}), /profiles\.prod\.schedule\.cron: not a cron expression: "61 \* \* \* \*": Invalid value for minute: 61/);
  assert.throws(() => parseConfig(withSchedule('{ cron: "0 0 30 2 *" }'), FILE, {}), /profiles\.prod\.schedule\.cron: "0 0 30 2 \*" matches no date from now on/);
  assert.throws(() => parseConfig(withSchedule('{ cron: "0 * * * *", timezone: Mars/Olympus }'), FILE, {}), /profiles\.prod\.schedule\.timezone: not a timezone: "Mars\/Olympus"/);
  assert.throws(() => parseConfig(withSchedule('{ cron: "0 * * * *", everyMinutes: 5 }'), FILE, {}), /profiles\.prod\.schedule\.cron: set either cron or everyMinutes, not both/);
  assert.throws(() => parseConfig(withSchedule('{ timezone: Europe/Berlin }'), FILE, {}), /profiles\.prod\.schedule\.timezone: applies to cron only/);
});
