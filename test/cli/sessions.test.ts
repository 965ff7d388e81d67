/**
 * Dashboard sessions are kept in the store: a user signed in before a restart of the hub is still
 * signed in after it (same SQLite file), and signing out ends the session for good. Real daemon,
 * real HTTP on 127.0.0.1, the emulators behind it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { startCetecEmulator, type CetecEmulator } from '../../emulators/cetec/server.ts';
import { startPaperlessEmulator, type PaperlessEmulator } from '../../emulators/paperless/server.ts';
import { startDaemon } from '../../src/cli/daemon.ts';
import { loadConfig } from '../../src/config/load.ts';
import { silentLogger } from '../../src/lib/log.ts';
import { hashPassword } from '../../src/server/settings.ts';
import { signIn } from '../e2e/harness.ts';

const PASSWORD = 'restart-proof password';
let cetec: CetecEmulator;
let paperless: PaperlessEmulator;
let dir: string;
let configPath: string;

before(async () => {
  cetec = await startCetecEmulator({ tokens: ['t-cetec'] });
  paperless = await startPaperlessEmulator({ token: 't-pp', orders: [] });
  dir = mkdtempSync(path.join(tmpdir(), 'shopwire-sessions-'));
  configPath = path.join(dir, 'shopwire.yaml');
  writeFileSync(
    configPath,
    stringify({
      profiles: { plant: { paperless: { baseUrl: paperless.url }, cetec: { baseUrl: cetec.url }, schedule: { everyMinutes: 60 } } },
      store: { sqlite: './store.db' },
      server: { port: 0 },
      dashboard: { users: [{ name: 'ops', passwordHash: hashPassword(PASSWORD, { N: 1024, r: 8, p: 1 }) }] },
    }),
  );
});

after(async () => {
  await Promise.all([cetec?.close(), paperless?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

const start = () => startDaemon({ config: loadConfig({ file: configPath, env: { CETEC_TOKEN: 't-cetec', PAPERLESS_TOKEN: 't-pp' } }), logger: silentLogger(), idleMs: 50 });

test('a session survives a restart of the hub; signing out ends it', async () => {
  let daemon = await start();
  let url = daemon.url;
  const session = await signIn(url, PASSWORD);
  assert.equal((await fetch(`${url}/api/v1/jobs`, { headers: { cookie: session } })).status, 200);
  await daemon.stop();

  daemon = await start();
  url = daemon.url;
  try {
    const after = await fetch(`${url}/`, { headers: { cookie: session }, redirect: 'manual' });
    assert.equal(after.status, 200, 'still signed in after the restart');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await after.text())?.[1];
    assert.ok(csrf);
    const out = await fetch(`${url}/logout`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: session, 'content-type': 'application/x-www-form-urlencoded', origin: url },
      body: new URLSearchParams({ _csrf: csrf }).toString(),
    });
    assert.equal(out.status, 303);
    assert.equal((await fetch(`${url}/api/v1/jobs`, { headers: { cookie: session } })).status, 401, 'signed out for good');
  } finally {
    await daemon.stop();
  }
});
