/**
 * It heals (regression of the adversarial finding "after one Cetec 401 the profile is paused for
 * good, even after the token works again and after a restart"): the hub, run as an operator runs
 * it, against the emulators. Cetec refuses the token → the profile pauses, and the pause and the
 * outage show in `status`, /readyz and the store; the hub is killed and started again while Cetec
 * still refuses; then Cetec accepts the token again → the profile resumes by itself (no restart,
 * no command) and every order is exported exactly once. The resume is in the audit log.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { allJobs, killHard, PROFILE, startE2E, stopHub, TOKENS, until, variantOrders, withoutVariants, type E2E } from './harness.ts';

let e2e: E2E;
const ORDERS = 3;

before(async () => {
  e2e = await startE2E({
    paperless: { generated: { seed: 77, count: ORDERS, startNumber: 1 } },
    // Generous Cetec timeout: on a loaded machine a lost answer would (rightly) stop an order for a person.
    profile: { heal: { probeSeconds: 0.5, maxProbeSeconds: 2 }, cetec: { timeoutMs: 20_000 } },
  });
});

after(async () => {
  await e2e?.close();
});

function hubUrl(stdout: string): string {
  const m = /dashboard (http:\/\/[^/\s]+)\//.exec(stdout);
  assert.ok(m, stdout);
  return m[1]!;
}

test('one Cetec 401 pauses the profile; it resumes by itself once the token works again, also after a restart', async () => {
  // Cetec knows another token only: the hub's is refused (401).
  e2e.cetec.reset({ tokens: ['a-token-that-is-not-the-hubs'] });
  let hub = await e2e.startHub();
  try {
  const store = await e2e.store();
  const paused = await until('the profile pauses', async () => {
    const p = await store.getProfile(PROFILE);
    return p.paused ? p : undefined;
  });
  assert.match(paused.pausedReason ?? '', /^credentials refused \(cetec\./);

  // Visible: /readyz, status, the store's health (the overview reads the same).
  const url = hubUrl(hub.stdout());
  const ready = await until('/readyz names the pause and the outage', async () => {
    const res = await fetch(`${url}/readyz`);
    const body = (await res.json()) as { status: string; reasons?: string[] };
    return res.status === 503 && body.reasons?.some((r) => /cetec failing since/.test(r)) ? body : undefined;
  });
  assert.ok(ready.reasons!.some((r) => r.startsWith(`profile ${PROFILE} is paused: credentials refused`)), JSON.stringify(ready));
  // The first probe (within a second of the pause, later on a loaded machine) sets the next try.
  const status = await until('status shows the outage with its next try', async () => {
    const out = await e2e.cli(['status']);
    return /cetec: FAILING since \d{4}-.+ \(\d+ failures?\); last error cetec\.\S+: .*; next try \d{4}-/.test(out.stdout) ? out : undefined;
  }, 60_000);
  assert.match(status.stdout, /PAUSED: credentials refused/);
  const json = JSON.parse((await e2e.cli(['status', '--json'])).stdout) as { profiles: { systems: { system: string; failingSince: string | null }[] }[] };
  assert.ok(json.profiles[0]!.systems.some((s) => s.system === 'cetec' && s.failingSince !== null));

  // Killed while paused, started again while Cetec still refuses: still paused, still probing.
  await killHard(hub);
  hub = await e2e.startHub();
  const failuresBefore = (await store.listHealth()).find((h) => h.system === 'cetec')!.failures;
  await until('the restarted hub probes again', async () => ((await store.listHealth()).find((h) => h.system === 'cetec')!.failures > failuresBefore ? true : undefined));
  assert.equal((await store.getProfile(PROFILE)).paused, true, 'a refused probe keeps the pause');
  assert.equal(e2e.cetec.state.orders().length, 0);

  // The token works again: resumed by itself, every order exported once.
  e2e.cetec.reset({ tokens: [TOKENS.cetec] });
  await until('the profile resumes by itself', async () => ((await store.getProfile(PROFILE)).paused ? undefined : true), 30_000);
  await until('every order is exported', async () => {
    // The seeded on-hold and cancelled orders end skipped; every other order exported.
    const skipped = variantOrders(e2e).map(String);
    const jobs = await allJobs(store);
    const ended = jobs.every((j) => (skipped.includes(j.key) ? j.state === 'cancelled' : j.state === 'done'));
    return jobs.length >= ORDERS + skipped.length && ended ? true : undefined;
  }, 60_000).catch(async (error: Error) => {
    throw new Error(`${error.message}: ${JSON.stringify((await allJobs(store)).map((j) => [j.key, j.state, j.lastError?.code, j.lastError?.message]))} ${JSON.stringify(await store.getProfile(PROFILE))}`);
  });
  const jobs = withoutVariants(e2e, await allJobs(store));
  const orders = e2e.cetec.state.orders();
  assert.equal(orders.length, jobs.length, 'one sales order per Paperless order');
  assert.equal(new Set(orders.map((o) => o.external_key)).size, jobs.length, 'no duplicate');
  const cetec = (await store.listHealth()).find((h) => h.system === 'cetec')!;
  assert.equal(cetec.failingSince, null, 'the outage has ended');
  const audit = await store.listAudit({ profile: PROFILE });
  assert.ok(audit.some((a) => a.action === 'resume' && a.actor === 'shopwire' && /resumed by itself/.test(a.detail ?? '')), JSON.stringify(audit));
  const ok = await fetch(`${hubUrl(hub.stdout())}/readyz`);
  assert.equal(ok.status, 200);
  } finally {
    assert.equal((await stopHub(hub)).code, 0, 'the hub stops cleanly');
  }
});

test('shopwire resume resumes a paused profile by hand and says so in the audit log', async () => {
  await (await e2e.store()).updateProfile(PROFILE, { paused: true, pausedReason: 'configuration error (test): set by the test' });
  const run = await e2e.cli(['resume', '--profile', PROFILE]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, new RegExp(`profile ${PROFILE}: resumed \\(was paused: configuration error`));
  assert.equal((await (await e2e.store()).getProfile(PROFILE)).paused, false);
  const [last] = await (await e2e.store()).listAudit({ profile: PROFILE, limit: 1 });
  assert.equal(last!.action, 'resume');
  assert.match(last!.actor, /^cli/);
  assert.match((await e2e.cli(['resume'])).stdout, /no profile is paused/);
});
