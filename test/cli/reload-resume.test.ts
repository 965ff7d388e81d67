/**
 * A config reload re-checks a paused profile at once. The hub reads its Cetec token from a secrets
 * file that holds a wrong one: the first order's job meets Cetec's 401 and pauses the profile, and
 * its first probe is refused, so the next probe is an hour away (`heal` set to one hour, doubling to
 * one hour). The operator writes the right token into the secrets file and sends SIGHUP: the
 * reload reads the file again, the clients use the new token from the next call, and the profile
 * resumes and the order is exported within seconds. Nothing but the reload can explain it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { allJobs, startE2E, stopHub, TOKENS, until, type E2E } from '../e2e/harness.ts';

let e2e: E2E;

before(async () => {
  e2e = await startE2E({ paperless: { generated: { seed: 7, count: 1, startNumber: 1 } }, profile: { heal: { probeSeconds: 3600, maxProbeSeconds: 3600 } } });
});

after(async () => {
  await e2e?.close();
});

test('a token fixed in the secrets file and a SIGHUP resume a paused profile at once, not at its next probe an hour later', async () => {
  const secrets = path.join(e2e.dir, 'secrets.yaml');
  writeFileSync(secrets, `CETEC_TOKEN: wrong-token-0000\nPAPERLESS_TOKEN: ${TOKENS.paperless}\n`, { mode: 0o600 });
  const hub = await e2e.startHub({ env: { CETEC_TOKEN: undefined, PAPERLESS_TOKEN: undefined, SHOPWIRE_SECRETS_FILE: secrets, SHOPWIRE_LOG_LEVEL: 'info' } });
  try {
    const store = await e2e.store();
    await until('the profile to pause on Cetec refusing the token', async () => ((await store.getProfile('shop')).paused ? true : undefined), 60_000);
    assert.match((await store.getProfile('shop')).pausedReason ?? '', /credentials refused \(cetec\./);
    // Its first probe is refused; the next one is an hour away.
    const health = await until('the refused probe and its next try', async () => {
      const h = (await store.listHealth()).find((x) => x.profile === 'shop' && x.system === 'cetec');
      return h?.nextTryAt !== null && h?.nextTryAt !== undefined && h.nextTryAt > Date.now() + 50 * 60_000 ? h : undefined;
    }, 60_000);
    assert.ok(health.failingSince !== null);
    assert.match(hub.stderr(), /probe refused; trying again later/);
    assert.equal((await allJobs(store)).find((j) => j.key === '1')?.state !== 'done', true);

    writeFileSync(secrets, `CETEC_TOKEN: ${TOKENS.cetec}\nPAPERLESS_TOKEN: ${TOKENS.paperless}\n`, { mode: 0o600 });
    const reloadAt = Date.now();
    hub.child.kill('SIGHUP');
    await until('the profile to resume', async () => (!(await store.getProfile('shop')).paused ? true : undefined), 60_000);
    const done = await until('the order to be exported', async () => {
      const job = (await allJobs(store)).find((j) => j.key === '1');
      return job?.state === 'done' ? job : undefined;
    }, 60_000);
    assert.equal(done.state, 'done');
    assert.ok(e2e.cetec.journal().some((c) => c.path === '/importjson/quotes' && c.status === 200), 'the order reached Cetec');
    assert.ok(Date.now() - reloadAt < 30 * 60_000, 'long before the next probe was due');

    const audit = await store.listAudit({ limit: 20 });
    const reload = audit.find((e) => e.action === 'config-reload');
    assert.equal(reload?.actor, 'SIGHUP');
    assert.match(reload?.detail ?? '', /applied: profiles\.shop\.cetec token \(CETEC_TOKEN\)/);
    assert.ok(!JSON.stringify(audit).includes(TOKENS.cetec) && !hub.stderr().includes(TOKENS.cetec), 'the token is named, never shown');
    const resumed = audit.find((e) => e.action === 'resume');
    assert.equal(resumed?.actor, 'shopwire');
    assert.match(resumed?.detail ?? '', /resumed by itself: a probe was accepted/);
    assert.ok(resumed!.at >= reloadAt, 'resumed after the reload');
    assert.equal(hub.child.exitCode, null, 'the same process, never restarted');
  } finally {
    await stopHub(hub);
  }
});
