/**
 * A paused profile is probed by one process only: two `run` daemons of one config on one
 * PostgreSQL, the profile paused for Cetec refusing its credentials (the token stays wrong, so
 * every probe is refused and the backoff goes on, one step a second). Only the holder of the
 * profile's discovery duty probes: the Cetec emulator counts the probes, each daemon's own metrics
 * say who sent them, and the other daemon sends none. When the holder stops, the other takes the
 * duty and the probing over. With every daemon probing, each would send its own.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startCetecEmulator } from '../../emulators/cetec/server.ts';
import { startPaperlessEmulator } from '../../emulators/paperless/server.ts';
import type { Daemon } from '../../src/cli/daemon.ts';
import { dropSchema, freshSchemaName } from '../store/pg-schema.ts';
import { outboundCalls, startDaemons, type Daemons } from './daemons.ts';
import { until } from '../wait.ts';

const url = process.env.SHOPWIRE_TEST_PG_URL || undefined;

/** Cetec probes (`GET /api/part/SHOPWIRE HEALTH PROBE`) this daemon sent (its own metrics). */
const probesSent = async (daemon: Daemon): Promise<number> => (await outboundCalls(daemon, 'cetec'))['part.get'] ?? 0;

describe('probing a paused profile with several processes (PostgreSQL)', { skip: url === undefined ? 'SHOPWIRE_TEST_PG_URL is not set' : false }, () => {
  it('only the discovery duty\'s holder probes; the other takes over when it stops', async () => {
    const schema = freshSchemaName();
    const cetec = await startCetecEmulator({ tokens: ['cetec-token'] });
    const paperless = await startPaperlessEmulator({ token: 'paperless-token', orders: [] });
    let running: Daemons | null = null;
    const probesAtCetec = () => cetec.journal().filter((e) => e.path.includes('HEALTH')).length;
    try {
      // The Cetec token is wrong: every probe is refused and the profile stays paused.
      running = await startDaemons(
        2,
        {
          profiles: {
            shop: {
              paperless: { baseUrl: paperless.url, tokenEnv: 'PAPERLESS_TOKEN', ratePerMinute: 100_000 },
              cetec: { baseUrl: cetec.url, tokenEnv: 'CETEC_TOKEN', timeoutMs: 5_000 },
              schedule: { everyMinutes: 0.01 },
              heal: { probeSeconds: 1, maxProbeSeconds: 1 },
            },
          },
          store: { postgres: { urlEnv: 'SHOPWIRE_PG_URL', schema } },
          server: { host: '127.0.0.1', port: 0 },
          worker: { dutyLeaseSeconds: 3 },
        },
        { SHOPWIRE_PG_URL: url!, PAPERLESS_TOKEN: 'paperless-token', CETEC_TOKEN: 'wrong-token' },
      );
      const { daemons } = running;
      const store = daemons[0]!.hub.store;
      const holderId = await until('a daemon to hold the discovery duty', async () => (await store.listDuties()).find((d) => d.duty === 'discovery:shop')?.owner, 60_000);
      const holder = daemons.findIndex((d) => d.hub.workerId === holderId);
      assert.ok(holder >= 0);
      const other = 1 - holder;

      await store.updateProfile('shop', { paused: true, pausedReason: 'credentials refused (cetec.auth_refused): 401 from Cetec' });
      await until('6 probes at the Cetec emulator', () => probesAtCetec() >= 6, 60_000);
      const sent = await Promise.all(daemons.map(probesSent));
      assert.equal(sent[other], 0, `the daemon not holding the duty sent no probe (sent: ${sent.join(', ')})`);
      assert.ok(sent[holder]! >= 6, `the holder sent the probes (sent: ${sent.join(', ')}, at Cetec: ${probesAtCetec()})`);
      assert.ok((await store.getProfile('shop')).paused, 'still paused: the token is still wrong');
      console.log(`probes: ${sent[holder]} from the duty holder, ${sent[other]} from the other; ${probesAtCetec()} at the Cetec emulator`);

      // The holder stops (releasing its duty): the other takes over the probing.
      await daemons[holder]!.stop();
      const atStop = probesAtCetec();
      await until('a probe from the other daemon', async () => (await probesSent(daemons[other]!)) > 0, 60_000);
      // Its first probe may have landed before atStop was read; it probes every second, so the next
      // one shows at the emulator too.
      await until('that probe at the Cetec emulator', () => probesAtCetec() > atStop, 30_000);
    } finally {
      await running?.close();
      await Promise.all([cetec.close(), paperless.close()]);
      await dropSchema(url!, schema);
    }
  });
});
