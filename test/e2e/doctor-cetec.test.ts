/**
 * `shopwire doctor --online` against the Cetec emulator tells a working tenant, a wrong token and
 * a wrong base URL apart by what they answer (a base URL ending in /api gets 404 JSON, or, from a
 * host that serves its web app there, an HTML login page with status 200), and says what the
 * self-test established for the profile, and when.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startE2E, type E2E } from './harness.ts';

let e2e: E2E;

before(async () => {
  e2e = await startE2E({});
});
after(async () => {
  await e2e?.close();
});

type Finding = { level: string; check: string; text: string };
const cetecFindings = async (env: NodeJS.ProcessEnv = {}): Promise<Finding[]> => {
  const run = await e2e.cli(['doctor', '--online', '--json'], { env });
  const parsed = JSON.parse(run.stdout) as { findings: Finding[] };
  return parsed.findings.filter((f) => f.text.includes('.cetec'));
};
const online = (findings: Finding[]): Finding => findings.find((f) => f.check === 'online')!;

test('a working tenant, no store yet: ok; nothing established is a warning that says what to run', async () => {
  const findings = await cetecFindings();
  assert.equal(online(findings).level, 'ok', online(findings).text);
  assert.match(online(findings).text, /answered with the token/);
  assert.ok(findings.some((f) => f.check === 'cetec' && f.level === 'warn' && /nothing is established about the tenant/.test(f.text)), JSON.stringify(findings));
  assert.ok(findings.some((f) => /run shopwire cetec selftest/.test(f.text)));
});

test('a wrong token: the API answered but refused the token', async () => {
  const f = online(await cetecFindings({ CETEC_TOKEN: 'not-the-token' }));
  assert.equal(f.level, 'error');
  assert.match(f.text, /refused the token \(HTTP 401: invalid token\)/);
  assert.ok(!f.text.includes('not-the-token'));
});

test('a base URL ending in /api: 404 JSON or a 200 HTML login page, both named as a wrong base URL, not as "part not found"', async () => {
  e2e.writeConfig({ cetec: { baseUrl: `${e2e.cetec.url}/api` } });
  let f = online(await cetecFindings());
  assert.equal(f.level, 'error');
  assert.match(f.text, /404 for \/api\/customer.*wrong base URL.*path \/api/);
  e2e.cetec.setBehaviours({ unmodelledAnswer: 'html-login-200' });
  f = online(await cetecFindings());
  assert.equal(f.level, 'error');
  assert.match(f.text, /HTTP 200 with an HTML page \("Cetec ERP - Login"\) instead of JSON: not the Cetec API/);
  e2e.cetec.setBehaviours({ unmodelledAnswer: 'json-404' });
  e2e.writeConfig({});
});

test('after the self-test on a sandbox profile, doctor says what was established and when', async () => {
  e2e.writeConfig({ cetec: { sandbox: true } });
  const run = await e2e.cli(['cetec', 'selftest']);
  assert.equal(run.code, 0, run.stderr);
  const findings = (await cetecFindings()).filter((f) => f.check === 'cetec');
  assert.ok(findings.some((f) => f.level === 'ok' && /reused external key: reject \(\d{4}-\d\d-\d\dT[\d:.]+Z\): importing shopwire-selftest-/.test(f.text)), JSON.stringify(findings));
  assert.ok(findings.some((f) => f.level === 'ok' && /order lookup by external key: established/.test(f.text)));
  assert.ok(!findings.some((f) => /nothing established lets shopwire settle/.test(f.text)));
});
