/** Dashboard pages over Fastify inject: what each shows, confirmation without JavaScript, escaping, no secrets. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { groupTransfers } from '../../src/server/views/job-page.ts';
import type { TransferView } from '../../src/server/ports.ts';
import { designFixture, KEYED_CANARY, REGISTERED_CANARY } from './fixture-jobs.ts';
import { API_TOKEN, login, PASSWORD_HASH, startHarness, type Harness } from './harness.ts';

const FORM = 'application/x-www-form-urlencoded';
const SAME_SITE = { origin: 'http://localhost:80', 'sec-fetch-site': 'same-origin' };

describe('dashboard pages', () => {
  let h: Harness;
  let session: { cookie: string; csrf: string };
  before(async () => {
    h = await startHarness();
    session = await login(h.app);
  });
  after(() => h.close());
  const page = (url: string) => h.app.inject({ url, headers: { cookie: session.cookie, accept: 'text/html' } });

  test('overview: counts per state link to the filtered jobs list; charts; oldest needing attention', async () => {
    const res = await page('/');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /<main id="main"/);
    const card = /<article class="card" data-flow="order-export" data-profile="prod">([\s\S]*?)<\/article>/.exec(res.body)![1]!;
    assert.match(card, /data-count-state="done"><th scope="row">.*?<\/th><td class="num"><a href="\/jobs\?profile=prod&amp;flow=order-export&amp;state=done">13<\/a>/);
    assert.match(card, /Oldest needing attention: <a href="\/jobs\/j-180">180<\/a>/);
    assert.match(card, /<svg class="bars"[^>]*role="img" aria-label="Finished jobs, last 24 hours, per hour: 2 done, 1 failed"/);
    assert.match(card, /Last 7 days: 13 done, 1 failed/);
  });

  test('jobs list: filters, rows with stable hooks, pagination links', async () => {
    const res = await page('/jobs?state=needs-attention');
    assert.match(res.body, /<tr data-job-id="j-180" data-state="needs-attention">/);
    assert.doesNotMatch(res.body, /data-job-id="j-179"/);
    assert.match(res.body, /<option value="needs-attention" selected>/);
    const first = await page('/jobs?limit=5');
    assert.match(first.body, /Showing 1–5 of 16/);
    assert.match(first.body, /<a rel="next" href="\/jobs\?limit=5&amp;offset=5">/);
    assert.equal((await page('/jobs?state=nope')).statusCode, 400);
  });

  test('job page: source summary, BOM tree, sales order lines, transfers, error advice, actions', async () => {
    const res = await page('/jobs/j-180');
    const body = res.body;
    assert.match(body, /<h2 id="source-h">Source: Order 180<\/h2>/);
    assert.match(body, /<dt>Customer<\/dt><dd>Outside Firm<\/dd>/);
    assert.match(body, /<ul class="tree" role="tree"/);
    assert.match(body, /<ul role="group">/, 'children are nested');
    assert.match(body, /data-kind="importjson"/);
    assert.match(body, /<table class="lines">/);
    assert.equal((body.match(/<li class="transfer /g) ?? []).length, (await h.port.getJob('j-180'))!.transfers.length);
    assert.match(body, /<section class="transfer-group has-failures" data-transfer-group="1" data-run="1" data-attempt="1">\s*<h3>Run 1, attempt 1 <span/);
    assert.match(body, /data-error-code="http.server_error" data-error-kind="ambiguous"/);
    assert.match(body, /Check in Cetec whether/);
    for (const a of ['retry', 'replay', 'cancel']) assert.match(body, new RegExp(`<form method="post" action="/jobs/j-180/${a}" data-confirm=`));
    const done = await page('/jobs/j-179');
    assert.doesNotMatch(done.body, /data-action="retry"/, 'a done job offers no retry');
    assert.match(done.body, /data-action="replay"/);
    assert.equal((await page('/jobs/none')).statusCode, 404);
  });


  test('without JavaScript an action asks on a page of its own before it acts', async () => {
    const before = h.port.actions.length;
    const ask = await h.app.inject({
      method: 'POST', url: '/jobs/j-181/cancel', headers: { cookie: session.cookie, 'content-type': FORM, ...SAME_SITE },
      payload: new URLSearchParams({ _csrf: session.csrf, confirmed: '' }).toString(),
    });
    assert.equal(ask.statusCode, 200);
    assert.match(ask.body, /data-page="confirm"/);
    assert.match(ask.body, /<input type="hidden" name="confirmed" value="1">/);
    assert.equal(h.port.actions.length, before, 'nothing done yet');
    const yes = await h.app.inject({
      method: 'POST', url: '/jobs/j-181/cancel', headers: { cookie: session.cookie, 'content-type': FORM, ...SAME_SITE },
      payload: new URLSearchParams({ _csrf: session.csrf, confirmed: '1' }).toString(),
    });
    assert.equal(yes.statusCode, 303);
    const after = await page(String(yes.headers.location));
    assert.match(after.body, /data-notice>Job cancelled\./);
    assert.match(after.body, /data-job-state><span class="state state-cancelled"/);
    const refused = await h.app.inject({
      method: 'POST', url: '/jobs/j-181/retry', headers: { cookie: session.cookie, 'content-type': FORM, ...SAME_SITE },
      payload: new URLSearchParams({ _csrf: session.csrf, confirmed: '1' }).toString(),
    });
    assert.equal(refused.statusCode, 409);
  });

  test('preview: a pasted design shows its plan; bad JSON says so', async () => {
    const ok = await h.app.inject({
      method: 'POST', url: '/preview', headers: { cookie: session.cookie, 'content-type': FORM, ...SAME_SITE },
      payload: new URLSearchParams({ _csrf: session.csrf, kind: 'design', profile: 'prod', document: JSON.stringify(designFixture()) }).toString(),
    });
    assert.equal(ok.statusCode, 200);
    assert.match(ok.body, /data-preview-result="ok"/);
    assert.match(ok.body, /data-part="CORE_1"/);
    const bad = await h.app.inject({
      method: 'POST', url: '/preview', headers: { cookie: session.cookie, 'content-type': FORM, ...SAME_SITE },
      payload: new URLSearchParams({ _csrf: session.csrf, kind: 'order', document: '{"number": 1' }).toString(),
    });
    assert.equal(bad.statusCode, 422);
    assert.match(bad.body, /data-preview-result="error"/);
    assert.match(bad.body, /not valid JSON/);
    assert.match(bad.body, /\{&quot;number&quot;: 1<\/textarea>/, 'the pasted text comes back, escaped');
  });

  test('mappings and settings pages', async () => {
    const m = await page('/mappings');
    assert.match(m.body, /<tr data-unmapped-kind="operation"><td>operation<\/td><td><code>Chem Film<\/code>/);
    assert.match(m.body, /<section aria-labelledby="map-operations" data-mapping="operations">/);
    const s = await page('/settings');
    assert.match(s.body, /<tr data-secret="CETEC_TOKEN"><td><code>CETEC_TOKEN<\/code><\/td><td><code>profiles.prod.cetec.tokenEnv<\/code><\/td><td>yes<\/td>/);
    assert.match(s.body, /<tr data-secret="CETEC_SANDBOX_TOKEN">.*<strong class="bad">missing<\/strong>/);
    assert.match(s.body, /<h2 id="tenant-h">Cetec tenant behaviour<\/h2>/);
    assert.match(s.body, /<ul data-tenant-profile="prod"><li>order lookup by external key: not checked yet \(unproven: never used\)<\/li><li>reused external key: reject \(2026-02-01T08:00:00.000Z\)/);
    assert.doesNotMatch(s.body, /<i>taken<\/i>/, 'Cetec\'s words are escaped');
  });

  test('data is escaped: a job key with markup renders as text', async () => {
    const now = new Date(h.clock.now).toISOString();
    h.port.add({
      id: 'j-evil', flow: 'order-export', profile: 'prod', key: '<script>alert(1)</script>', state: 'needs-attention', attempts: 1,
      createdAt: now, updatedAt: now, nextAttemptAt: null, lastError: { code: 'x"><img src=x onerror=alert(1)>', kind: 'data', message: '<b>bold</b>' },
      source: null, plan: null, warnings: [], result: null, checkpoints: [], transfers: [], finishedAt: null,
    });
    for (const url of ['/jobs', '/jobs/j-evil', '/']) {
      const body = (await page(url)).body;
      assert.doesNotMatch(body, /<script>alert|<img src=x|<b>bold/, url);
    }
    assert.match((await page('/jobs/j-evil')).body, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  });

  test('no page and no API answer carries a token, the password hash, or a session id', async () => {
    const urls = ['/', '/jobs', '/jobs?limit=200', '/preview', '/mappings', '/settings', '/api/v1/status', '/api/v1/jobs?limit=200', '/api/v1/settings', '/api/v1/mappings'];
    for (const j of h.port.jobs()) urls.push(`/jobs/${j.id}`, `/api/v1/jobs/${j.id}`);
    const sessionId = session.cookie.split('=')[1]!.split('.')[0]!;
    const forbidden = [REGISTERED_CANARY, KEYED_CANARY, API_TOKEN, PASSWORD_HASH.split('$').at(-1)!, sessionId];
    for (const url of urls) {
      const res = await page(url);
      assert.equal(res.statusCode, 200, url);
      for (const secret of forbidden) assert.ok(!res.body.includes(secret), `${url} shows a secret`);
    }
  });
});

describe('readiness', () => {
  test('/readyz is 503 with reasons when the store fails or a profile is paused', async () => {
    const h = await startHarness();
    try {
      h.port.setHealth({ ok: false, reason: 'database is locked' });
      h.port.setProfile({ profile: 'prod', paused: true, pausedReason: 'Cetec refused the token', lastPollAt: null, lastHeartbeatAt: null, lastSuccessAt: null });
      const res = await h.app.inject({ url: '/readyz' });
      assert.equal(res.statusCode, 503);
      assert.deepEqual(res.json(), { status: 'not-ready', reasons: ['store: database is locked', 'profile prod is paused: Cetec refused the token'] });
      h.port.setHealth({ ok: true });
      h.port.setProfile({ profile: 'prod', paused: false, lastPollAt: null, lastHeartbeatAt: null, lastSuccessAt: null });
      assert.equal((await h.app.inject({ url: '/readyz' })).statusCode, 200);
    } finally {
      await h.close();
    }
  });
});

describe('job identity on the page', () => {
  let h: Harness;
  let session: { cookie: string; csrf: string };
  before(async () => {
    h = await startHarness();
    session = await login(h.app);
  });
  after(() => h.close());
  const page = (url: string) => h.app.inject({ url, headers: { cookie: session.cookie, accept: 'text/html' } });

  test('job page shows the job id; after cancel it stops advising a retry', async () => {
    const before = await page('/jobs/j-181');
    assert.match(before.body, /<dt>Job id<\/dt><dd><code data-job-id-text>j-181<\/code><\/dd>/);
    const cancelled = await h.app.inject({ method: 'POST', url: '/api/v1/jobs/j-181/cancel', headers: { authorization: `Bearer ${API_TOKEN}` } });
    assert.equal(cancelled.json().job.state, 'cancelled');
    const after = (await page('/jobs/j-181')).body;
    assert.match(before.body, /data-error-code/, 'the retrying job carries its last error');
    assert.match(after, /Cancelled: this job will not run again unless it is replayed/);
    assert.doesNotMatch(after, /What to do:<\/strong>[^<]*Retry/);
    assert.doesNotMatch(after, /data-action="retry"/);
    assert.match(after, /data-action="replay"/);
  });
});

test('transfers are grouped by the start of the job they were made in, oldest first; attempts counted per run', () => {
  const t = (id: string, run?: number, execution?: number): TransferView => ({
    id, system: 'paperless', endpoint: 'orders.get', method: 'GET', url: 'http://127.0.0.1/orders/public/1', attempt: 1,
    requestBody: null, responseBody: null, status: 200, durationMs: 1, outcome: 'ok', startedAt: '2026-03-02T12:00:00.000Z',
    ...(run === undefined ? {} : { run }), ...(execution === undefined ? {} : { execution }),
  });
  // As recorded: a late answer of start 1 after start 2's calls; an old record without a group.
  const groups = groupTransfers([t('a', 1, 0), t('b', 1, 1), t('c', 1, 2), t('d', 1, 1), t('e', 2, 3), t('f', 2, 4), t('g', 3, 5), t('old')]);
  assert.deepEqual(
    groups.map((g) => [g.execution, g.run, g.attempt, g.transfers.map((x) => x.id).join('')]),
    [
      [null, null, null, 'old'],
      [0, 1, null, 'a'],
      [1, 1, 1, 'bd'],
      [2, 1, 2, 'c'],
      [3, 2, 1, 'e'],
      [4, 2, 2, 'f'],
      [5, 3, 1, 'g'],
    ],
  );
});
