/**
 * Duties that must run once run on the discovery duty's holder only: two `run` daemons of one
 * config on one store, against the Paperless Parts emulator with a managed integration. Each
 * daemon's own metrics say which Paperless Parts calls it made: heartbeats, event polls (which
 * carry the integration's on/off) and new-order polls all come from the holder; the other makes
 * none. The integration turned off and on again is handled once (paused, then resumed), and when the
 * holder stops, the other takes over every one of those duties.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startCetecEmulator } from '../../emulators/cetec/server.ts';
import { startPaperlessEmulator } from '../../emulators/paperless/server.ts';
import type { Daemon } from '../../src/cli/daemon.ts';
import { TURNED_OFF_REASON } from '../../src/engine/discovery.ts';
import { until } from '../wait.ts';
import { outboundCalls, startDaemons, type Daemons } from './daemons.ts';

const paperlessCalls = (daemon: Daemon) => outboundCalls(daemon, 'paperless');

test('heartbeats, event polls with the integration\'s on/off, and new-order polls run on the discovery duty\'s holder only', async () => {
  const cetec = await startCetecEmulator({ tokens: ['cetec-token'] });
  // An empty account, without the seeded real variants: their orders would be exported by either
  // daemon's worker (jobs run anywhere), and this test counts the calls only duties make.
  const paperless = await startPaperlessEmulator({ token: 'paperless-token', orders: [], variants: false });
  let running: Daemons | null = null;
  try {
    running = await startDaemons(
      2,
      {
        profiles: {
          shop: {
            paperless: { baseUrl: paperless.url, tokenEnv: 'PAPERLESS_TOKEN', integrationUuid: paperless.integrationUuid, ratePerMinute: 100_000 },
            cetec: { baseUrl: cetec.url, tokenEnv: 'CETEC_TOKEN', timeoutMs: 5_000 },
            // A pass every 0.6 s, a heartbeat due every 1.2 s.
            schedule: { everyMinutes: 0.01, heartbeatMinutes: 0.02 },
          },
        },
        store: { sqlite: './store.db' },
        server: { host: '127.0.0.1', port: 0 },
        worker: { dutyLeaseSeconds: 3 },
      },
      { PAPERLESS_TOKEN: 'paperless-token', CETEC_TOKEN: 'cetec-token' },
    );
    const { daemons } = running;

    await until('3 heartbeats', () => paperless.state.heartbeats.length >= 3);
    paperless.setIntegrationActive(false);
    await until('the profile paused by the integration turned off', async () => (await daemons[0]!.hub.store.getProfile('shop')).pausedReason === TURNED_OFF_REASON);
    paperless.setIntegrationActive(true);
    await until('the profile resumed by the integration turned on', async () => !(await daemons[0]!.hub.store.getProfile('shop')).paused);
    const beatsBefore = paperless.state.heartbeats.length;
    await until('2 more heartbeats', () => paperless.state.heartbeats.length >= beatsBefore + 2);

    const calls = await Promise.all(daemons.map(paperlessCalls));
    const holder = calls.findIndex((c) => (c['managed_integrations.heartbeat'] ?? 0) > 0);
    assert.ok(holder >= 0, `one daemon sent the heartbeats: ${JSON.stringify(calls)}`);
    const other = 1 - holder;
    assert.deepEqual(calls[other], {}, `the daemon not holding the duty made no Paperless Parts call: ${JSON.stringify(calls[other])}`);
    assert.equal(calls[holder]!['managed_integrations.heartbeat'], paperless.state.heartbeats.length, 'every heartbeat came from the holder');
    assert.ok((calls[holder]!['managed_integrations.poll'] ?? 0) > 0 && (calls[holder]!['orders.new'] ?? 0) > 0, JSON.stringify(calls[holder]));
    // No heartbeat storm: heartbeats at least most of their interval apart.
    const times = paperless.state.heartbeats.map((h) => Date.parse(h.at));
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    assert.ok(gaps.every((g) => g >= 1_000), `heartbeat gaps (ms): ${gaps.join(', ')}`);
    // The turned_off and turned_on events were each handled once, by the holder.
    const onOff = (await daemons[0]!.hub.store.unhandledEvents('shop')).filter((e) => e.type.startsWith('integration.turned_'));
    assert.deepEqual(onOff, [], 'no on/off event left unhandled');

    // The holder stops cleanly: the other takes over heartbeats and polls.
    await daemons[holder]!.stop();
    const beats = paperless.state.heartbeats.length;
    await until('a heartbeat from the other daemon', async () => ((await paperlessCalls(daemons[other]!))['managed_integrations.heartbeat'] ?? 0) > 0, 20_000);
    assert.ok(paperless.state.heartbeats.length > beats);
  } finally {
    await running?.close();
    await Promise.all([cetec.close(), paperless.close()]);
  }
});
