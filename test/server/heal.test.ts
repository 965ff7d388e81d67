/**
 * The pause and the outage as people and machines see them: the overview (badge, reason, Resume
 * button, per-system table with last error, since when and next try), /readyz's reasons,
 * /metrics' pause and outage gauges, and resuming from the dashboard and the API.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { API_TOKEN, login, startHarness, type Harness } from './harness.ts';

describe('a paused profile during an outage', () => {
  let h: Harness;
  const since = '2026-03-02T11:40:00.000Z';
  before(async () => {
    h = await startHarness({ metrics: 'token' });
    h.port.setProfile({
      profile: 'prod',
      paused: true,
      pausedReason: 'credentials refused (cetec.auth_failed): Cetec refused the token',
      lastPollAt: null,
      lastHeartbeatAt: null,
      lastSuccessAt: null,
      systems: [
        { system: 'cetec', failingSince: since, failures: 4, lastError: { code: 'cetec.auth_failed', message: 'Cetec refused the token', at: '2026-03-02T11:59:00.000Z' }, lastOkAt: null, nextTryAt: '2026-03-02T12:00:30.000Z' },
        { system: 'paperless', failingSince: null, failures: 0, lastError: null, lastOkAt: '2026-03-02T11:59:30.000Z', nextTryAt: null },
      ],
    });
  });
  after(() => h.close());

  test('the overview shows the pause, its reason, a Resume button and each system with its last error and next try', async () => {
    const { cookie } = await login(h.app);
    const page = await h.app.inject({ method: 'GET', url: '/', headers: { cookie } });
    const section = page.body.slice(page.body.indexOf('data-profile="prod"'));
    assert.match(section, /data-pause-reason>credentials refused \(cetec\.auth_failed\)/);
    assert.match(section, /action="\/profiles\/prod\/resume"/);
    assert.match(section, /data-outage>Outage: Cetec failing/);
    assert.match(section, /data-system="cetec" data-system-state="failing"[\s\S]*?since <time datetime="2026-03-02T11:40:00.000Z"[\s\S]*?4 failures[\s\S]*?cetec\.auth_failed[\s\S]*?data-next-try><time datetime="2026-03-02T12:00:30.000Z"/);
    assert.match(section, /data-system="paperless" data-system-state="ok"/);
  });

  test('/readyz is 503 and names the pause and the failing system', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(res.statusCode, 503);
    const reasons = res.json().reasons as string[];
    assert.ok(reasons.includes('profile prod is paused: credentials refused (cetec.auth_failed): Cetec refused the token'), JSON.stringify(reasons));
    assert.ok(reasons.some((r) => r === `profile prod: cetec failing since ${since} (4 failures): cetec.auth_failed: Cetec refused the token; next try 2026-03-02T12:00:30.000Z`), JSON.stringify(reasons));
  });

  test('/metrics has the pause and how long each system has failed; failed polls are counted', async () => {
    h.metrics.pollFailed({ profile: 'prod', system: 'paperless' });
    h.metrics.pollFailed({ profile: 'prod', system: 'paperless' });
    const text = (await h.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${API_TOKEN}` } })).body;
    assert.match(text, /^shopwire_profile_paused\{profile="prod",reason="auth"\} 1$/m);
    assert.match(text, /^shopwire_system_failing_seconds\{profile="prod",system="cetec"\} 1200$/m);
    assert.match(text, /^shopwire_system_failing_seconds\{profile="prod",system="paperless"\} 0$/m);
    assert.match(text, /^shopwire_poll_failures_total\{profile="prod",system="paperless"\} 2$/m);
  });

  test('Resume from the dashboard (CSRF-protected) and from the API', async () => {
    const { cookie, csrf } = await login(h.app);
    const forged = await h.app.inject({ method: 'POST', url: '/profiles/prod/resume', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: '' });
    assert.equal(forged.statusCode, 403, 'no CSRF token, no resume');
    const res = await h.app.inject({
      method: 'POST',
      url: '/profiles/prod/resume',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost:80', 'sec-fetch-site': 'same-origin' },
      payload: new URLSearchParams({ _csrf: csrf }).toString(),
    });
    assert.equal(res.statusCode, 303, res.body.slice(0, 300));
    assert.deepEqual(h.port.actions.at(-1), { action: 'resume', jobId: '', actor: 'admin', profile: 'prod' });
    const again = await h.app.inject({ method: 'POST', url: '/api/v1/profiles/prod/resume', headers: { authorization: `Bearer ${API_TOKEN}` } });
    assert.equal(again.statusCode, 409, 'not paused any more');
    assert.equal((await h.app.inject({ method: 'POST', url: '/api/v1/profiles/nope/resume', headers: { authorization: `Bearer ${API_TOKEN}` } })).statusCode, 404);
  });
});

describe('the audit log', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  test('a retry from the dashboard shows on the job page with who did it, and exports as CSV and JSON', async () => {
    const { cookie, csrf } = await login(h.app);
    const res = await h.app.inject({
      method: 'POST',
      url: '/jobs/j-180/retry',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost:80', 'sec-fetch-site': 'same-origin' },
      payload: new URLSearchParams({ _csrf: csrf, confirmed: '1' }).toString(),
    });
    assert.equal(res.statusCode, 303, res.body.slice(0, 200));
    const page = await h.app.inject({ url: '/jobs/j-180', headers: { cookie } });
    assert.match(page.body, /data-history[\s\S]*<tr data-audit-action="retry"><td><time[^>]*>[^<]*<\/time><\/td><td>admin<\/td><td>retry<\/td>/);
    const csv = await h.app.inject({ url: '/api/v1/audit?format=csv', headers: { authorization: `Bearer ${API_TOKEN}` } });
    assert.equal(csv.statusCode, 200);
    assert.match(String(csv.headers['content-type']), /^text\/csv/);
    const lines = csv.body.trim().split('\r\n');
    assert.equal(lines[0], '"at","actor","action","profile","job","detail"');
    assert.match(lines[1]!, /^"[^"]+","admin","retry","prod","j-180",""$/);
    const json = await h.app.inject({ url: '/api/v1/audit?jobId=j-180', headers: { authorization: `Bearer ${API_TOKEN}` } });
    assert.equal(json.json().entries[0].action, 'retry');
    assert.equal((await h.app.inject({ url: '/api/v1/audit?limit=0', headers: { authorization: `Bearer ${API_TOKEN}` } })).statusCode, 400);
  });
});
