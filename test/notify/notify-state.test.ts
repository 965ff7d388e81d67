/**
 * The notifier's state lives in the store: on SQLite and on PostgreSQL, a notifier started anew
 * (a restart: a new notifier on a reopened store) does not announce again a pause and an outage
 * that are still going on, but does announce their end; and two notifiers sharing one PostgreSQL
 * database (two `run` processes) send one message for one condition, checking at the same time
 * over and over, with a slow webhook receiver so one checks while the other is still sending.
 * Real channels: webhooks to an HTTP server and e-mail to an SMTP server (smtp-server), on loopback.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openStore } from '../../src/store/open.ts';
import { openPostgresStore } from '../../src/store/postgres/open.ts';
import type { Store } from '../../src/store/store.ts';
import { emailChannel, webhookChannel } from '../../src/notify/channels.ts';
import { createNotifier, type Notifier } from '../../src/notify/notifier.ts';
import { dropSchema, freshSchemaName } from '../store/pg-schema.ts';
import { startReceivers, type Posted, type Receivers } from './receivers.ts';

const pgUrl = process.env.SHOPWIRE_TEST_PG_URL || undefined;
type Body = { title: string; events: { kind: string }[] };
let receivers: Receivers<Body>;
let dir: string;

before(async () => {
  receivers = await startReceivers<Body>();
  dir = mkdtempSync(path.join(tmpdir(), 'shopwire-notify-state-'));
});

after(async () => {
  await receivers.close();
  rmSync(dir, { recursive: true, force: true });
});

const clock = { now: Date.parse('2026-12-03T09:00:00Z') };

function notifier(store: Store, hook: string): Notifier {
  return createNotifier({
    store,
    clock: () => clock.now,
    profiles: {
      prod: {
        settings: { outageMinutes: 10, minIntervalMinutes: 15 },
        channels: [
          webhookChannel({ name: 'hook', url: `${receivers.url}/${hook}`, format: 'generic' }),
          emailChannel({ name: 'mail', smtp: { host: '127.0.0.1', port: receivers.smtpPort, tls: 'none', from: 'shopwire@plant.example', to: ['ops@plant.example'] } }),
        ],
      },
    },
  });
}

const sentTo = (hook: string): Posted<Body>[] => receivers.posted.filter((p) => p.path === `/${hook}`);
const mailsAbout = (hook: string): string[] => receivers.mails.map((m) => m.data).filter((m) => m.includes(`[${hook}]`));

/** A pause and a 12-minute Cetec outage going on. */
async function trouble(store: Store): Promise<void> {
  await store.recordHealth('prod', 'cetec', { ok: false, code: 'http.connect_failed', message: 'connection refused', nextTryAt: clock.now + 60_000, at: clock.now });
  clock.now += 12 * 60_000;
  await store.recordHealth('prod', 'cetec', { ok: false, code: 'cetec.auth_failed', message: 'Cetec refused the token', nextTryAt: clock.now + 30_000 });
  await store.updateProfile('prod', { paused: true, pausedReason: 'credentials refused (cetec.auth_failed): Cetec refused the token' });
}

async function healed(store: Store): Promise<void> {
  await store.recordHealth('prod', 'cetec', { ok: true });
  await store.updateProfile('prod', { paused: false });
}

type Opened = { open: () => Promise<Store>; cleanup: () => Promise<void> };

const backends: { name: string; skip: string | false; make: () => Opened }[] = [
  {
    name: 'SQLite',
    skip: false,
    make: () => {
      const file = path.join(dir, `store-${randomBytes(4).toString('hex')}.db`);
      return { open: async () => openStore({ sqlite: file }, { clock: () => clock.now }), cleanup: async () => undefined };
    },
  },
  {
    name: 'PostgreSQL',
    skip: pgUrl === undefined ? 'SHOPWIRE_TEST_PG_URL is not set' : false,
    make: () => {
      const schema = freshSchemaName();
      return {
        open: async () => openPostgresStore({ url: pgUrl!, schema, clock: () => clock.now }),
        cleanup: async () => {
          await dropSchema(pgUrl!, schema);
        },
      };
    },
  },
];

// The hook's name goes into the mail body through the pause reason, so each test counts its own mails.
for (const backend of backends) {
  describe(`notifier state on ${backend.name}`, { skip: backend.skip }, () => {
    test('a restarted notifier does not announce an ongoing pause and outage again, and announces their end', async () => {
      const hook = `restart-${backend.name}`;
      const db = backend.make();
      let store = await db.open();
      try {
        await store.migrate();
        await trouble(store);
        await store.updateProfile('prod', { paused: true, pausedReason: `credentials refused [${hook}]` });
        const first = notifier(store, hook);
        const sent = await first.runOnce();
        assert.equal(sent.length, 1);
        assert.deepEqual(sent[0]!.events.map((e) => e.kind), ['paused', 'outage']);

        // The process stops; a new one starts on the same store, long after the rate limit.
        await store.close();
        store = await db.open();
        await store.migrate();
        clock.now += 60 * 60_000;
        const restarted = notifier(store, hook);
        for (let i = 0; i < 3; i++) {
          assert.deepEqual(await restarted.runOnce(), [], 'nothing new to say after the restart');
          clock.now += 15_000;
        }
        assert.equal(sentTo(hook).length, 1, 'the webhook got one message');
        assert.equal(mailsAbout(hook).length, 1, 'one e-mail');

        // The trouble ends: the restarted notifier announces it.
        await healed(store);
        const end = await restarted.runOnce();
        assert.equal(end.length, 1);
        assert.deepEqual(end[0]!.events.map((e) => e.kind), ['resumed', 'recovered']);
        assert.equal(sentTo(hook).length, 2);
        assert.deepEqual(sentTo(hook)[1]!.body.events.map((e) => e.kind), ['resumed', 'recovered']);
        assert.equal(receivers.mails.filter((m) => /resumed: its jobs run again/.test(m.data)).length >= 1, true);
      } finally {
        await store.close();
        await db.cleanup();
      }
    });
  });
}

describe('two notifiers on one PostgreSQL', { skip: backends[1]!.skip }, () => {
  test('send one message for one condition, and one for its end', async () => {
    const hook = 'shared-pg';
    const db = backends[1]!.make();
    const a = await db.open();
    const b = await db.open();
    receivers.webhookDelayMs = 300;
    try {
      await a.migrate();
      await b.migrate();
      await trouble(a);
      await a.updateProfile('prod', { paused: true, pausedReason: `credentials refused [${hook}]` });
      const one = notifier(a, hook);
      const two = notifier(b, hook);
      // Both check at the same moment, again and again; the clock moves past the rate limit between rounds.
      const sent: number[] = [];
      for (let round = 0; round < 6; round++) {
        const [x, y] = await Promise.all([one.runOnce(), two.runOnce()]);
        sent.push(x.length + y.length);
        clock.now += 20 * 60_000;
      }
      assert.deepEqual(sent, [1, 0, 0, 0, 0, 0], 'one message for the pause and outage, by one of the two');
      assert.equal(sentTo(hook).length, 1, 'the webhook got one message');
      assert.equal(mailsAbout(hook).length, 1, 'one e-mail');

      // One checks while the other is still sending (the receiver is slow): still one message.
      await healed(b);
      const slow = one.runOnce();
      await new Promise((resolve) => setTimeout(resolve, 100));
      const [x, y] = await Promise.all([slow, two.runOnce()]);
      assert.equal(x.length + y.length, 1, 'the end is announced once');
      for (let round = 0; round < 3; round++) {
        clock.now += 20 * 60_000;
        const [p, q] = await Promise.all([one.runOnce(), two.runOnce()]);
        assert.equal(p.length + q.length, 0);
      }
      assert.equal(sentTo(hook).length, 2);
      assert.deepEqual(sentTo(hook)[1]!.body.events.map((e) => e.kind), ['resumed', 'recovered']);
      console.log(`two notifiers on one PostgreSQL, 10 simultaneous checks: ${sentTo(hook).length} webhook messages, ${mailsAbout(hook).length} e-mail(s) with the pause`);
    } finally {
      receivers.webhookDelayMs = 0;
      await a.close();
      await b.close();
      await db.cleanup();
    }
  });
});
