/**
 * Notifications through real channels on loopback: three webhooks (generic, Slack, Teams payloads)
 * on a real HTTP server and e-mail to a real SMTP server (smtp-server) started by the test, fed by
 * a real SQLite store. An outage with a paused profile and 25 orders needing attention is ONE
 * message per channel; nothing new is silence; what comes up inside the rate limit waits and goes
 * out together; the recovery is one more message. The counts are printed.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openStore } from '../../src/store/open.ts';
import type { Store } from '../../src/store/store.ts';
import { emailChannel, webhookChannel } from '../../src/notify/channels.ts';
import { createNotifier } from '../../src/notify/notifier.ts';
import { startReceivers, type Receivers } from './receivers.ts';

let receivers: Receivers<Record<string, unknown>>;
let dir: string;
let store: Store;
const clock = { now: Date.parse('2026-12-03T09:00:00Z') };

before(async () => {
  receivers = await startReceivers();
  dir = mkdtempSync(path.join(tmpdir(), 'shopwire-notify-'));
  store = openStore({ sqlite: path.join(dir, 'store.db') }, { clock: () => clock.now });
  await store.migrate();
});

after(async () => {
  await store?.close();
  await receivers.close();
  rmSync(dir, { recursive: true, force: true });
});

async function needsAttention(key: string): Promise<void> {
  const { job } = await store.enqueueJob({ flow: 'order-export', profile: 'prod', key, trigger: { kind: 'schedule' } });
  await store.claimJob('w', 60_000, clock.now);
  await store.finishJob(job.id, 'w', { state: 'needs-attention', error: { code: 'operation.unmapped', kind: 'data', message: `order ${key}: operation "Levitation" has no Cetec location` } });
}

test('an outage, a pause and 25 bad orders: one message per channel; then silence; then one recovery message', async () => {
  const { posted, mails } = receivers;
  const notifier = createNotifier({
    store,
    clock: () => clock.now,
    profiles: {
      prod: {
        settings: { outageMinutes: 10, minIntervalMinutes: 15 },
        channels: [
          webhookChannel({ name: 'generic', url: `${receivers.url}/generic`, format: 'generic' }),
          webhookChannel({ name: 'slack', url: `${receivers.url}/slack`, format: 'slack' }),
          webhookChannel({ name: 'teams', url: `${receivers.url}/teams`, format: 'teams' }),
          emailChannel({ name: 'mail', smtp: { host: '127.0.0.1', port: receivers.smtpPort, tls: 'none', from: 'shopwire@plant.example', to: ['ops@plant.example', 'erp@plant.example'] } }),
        ],
      },
    },
  });
  // Before anything happens: nothing to say.
  assert.deepEqual(await notifier.runOnce(), []);

  // Cetec fails for 12 minutes, the profile pauses, 25 orders need attention.
  const outageStart = clock.now;
  await store.recordHealth('prod', 'cetec', { ok: false, code: 'http.connect_failed', message: 'connection refused', nextTryAt: clock.now + 60_000, at: outageStart });
  clock.now += 12 * 60_000;
  await store.recordHealth('prod', 'cetec', { ok: false, code: 'cetec.auth_failed', message: 'Cetec refused the token', nextTryAt: clock.now + 30_000 });
  for (let i = 0; i < 25; i++) await needsAttention(String(500 + i));
  await store.updateProfile('prod', { paused: true, pausedReason: 'credentials refused (cetec.auth_failed): Cetec refused the token' });

  const first = await notifier.runOnce();
  assert.equal(first.length, 1, 'one notification for everything');
  assert.equal(first[0]!.title, 'shopwire: profile prod is paused');
  assert.equal(posted.length, 3, 'one POST per webhook');
  assert.equal(mails.length, 1, 'one e-mail');
  const generic = posted.find((p) => p.path === '/generic')!.body;
  assert.deepEqual((generic.events as { kind: string }[]).map((e) => e.kind), ['paused', 'outage', 'needs-attention']);
  assert.match(String(posted.find((p) => p.path === '/slack')!.body.text), /PAUSED[\s\S]*Cetec has been failing since 2026-12-03T09:00:00\.000Z[\s\S]*25 jobs need attention: 524 \(operation\.unmapped/);
  const teams = posted.find((p) => p.path === '/teams')!.body;
  assert.equal(teams['@type'], 'MessageCard');
  assert.match(String(teams.text), /and 5 more/);
  assert.deepEqual(mails[0]!.to, ['ops@plant.example', 'erp@plant.example']);
  assert.match(mails[0]!.data, /^Subject: shopwire: profile prod is paused/m);
  assert.match(mails[0]!.data, /25 jobs need attention/);

  // Nothing new: silence, however often it checks.
  for (let i = 0; i < 5; i++) {
    clock.now += 15_000;
    assert.deepEqual(await notifier.runOnce(), []);
  }
  // Inside the rate limit: Cetec recovers and the profile resumes...
  await store.recordHealth('prod', 'cetec', { ok: true });
  await store.updateProfile('prod', { paused: false });
  assert.deepEqual(await notifier.runOnce(), []);
  // ...and two more bad orders come up: all of it waits.
  clock.now += 60_000;
  await needsAttention('600');
  await needsAttention('601');
  assert.deepEqual(await notifier.runOnce(), []);
  // After the interval: one message with all of it.
  clock.now = outageStart + 12 * 60_000 + 15 * 60_000;
  const second = await notifier.runOnce();
  assert.equal(second.length, 1);
  assert.deepEqual(second[0]!.events.map((e) => e.kind), ['resumed', 'recovered', 'needs-attention']);
  assert.match(second[0]!.lines.join(' '), /2 jobs need attention: 601.*600/);
  assert.match(second[0]!.lines.join(' '), /Cetec answers again \(it failed for about \d+ min\)/);
  assert.equal(posted.length, 6);
  assert.equal(mails.length, 2);
  console.log(`notifications: 27 jobs needing attention, 1 pause, 1 outage and their recovery over ${Math.round((clock.now - outageStart) / 60_000)} min of checks → ${posted.length / 3} messages per webhook, ${mails.length} e-mails`);
});

test('a webhook that fails keeps the message for the next check; SMTP without TLS is refused off loopback', async () => {
  const s2 = openStore({ sqlite: path.join(dir, 'other.db') }, { clock: () => clock.now });
  await s2.migrate();
  try {
    let down = true;
    const flaky = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(down ? 503 : 204).end());
    });
    await new Promise<void>((resolve) => flaky.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(flaky.address() as { port: number }).port}/hook`;
    const notifier = createNotifier({ store: s2, clock: () => clock.now, profiles: { prod: { settings: { outageMinutes: 1, minIntervalMinutes: 1 }, channels: [webhookChannel({ name: 'hook', url, format: 'generic' })] } } });
    await s2.updateProfile('prod', { paused: true, pausedReason: 'credentials refused (cetec.auth_failed): x' });
    assert.deepEqual(await notifier.runOnce(), [], 'not delivered');
    down = false;
    clock.now += 15_000;
    const sent = await notifier.runOnce();
    assert.equal(sent.length, 1, 'delivered on the next check');
    assert.equal(sent[0]!.events[0]!.kind, 'paused');
    await new Promise((resolve) => flaky.close(resolve));
  } finally {
    await s2.close();
  }
  assert.throws(() => emailChannel({ name: 'm', smtp: { host: 'smtp.example.com', port: 25, tls: 'none', from: 'a@b.c', to: ['d@e.f'] } }), /only allowed for a loopback/);
});
