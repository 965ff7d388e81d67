/**
 * Crash safety where a resend is provably safe (the tenant refuses, or answers with the existing
 * order for, a reused external key): `shopwire run` exporting 200 generated
 * orders is SIGKILLed at least 20 times at seeded random moments (restarted after each), then runs
 * to the end. Every order must be exported exactly once: one done job and one Cetec quote and sales
 * order per order; no duplicate, none lost. The hub has no order lookup here: the proof is the
 * resend (docs/proof.md says which combination proves what). crash-allow.test.ts has the rest.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkExactlyOnce, runCrashScenario, type CrashScenario } from './crash.ts';

const ORDERS = 200;
const KILLS = 20;

const scenarios: Array<Pick<CrashScenario, 'duplicateExternalKey' | 'orderLookup' | 'seed'>> = [
  { duplicateExternalKey: 'reject', orderLookup: false, seed: 101 },
  { duplicateExternalKey: 'return-existing', orderLookup: false, seed: 202 },
];

for (const s of scenarios) {
  test(`${KILLS}+ kills, ${ORDERS} orders, tenant ${s.duplicateExternalKey}, lookup ${s.orderLookup ? 'on' : 'off'}: every order exported exactly once`, async (t) => {
    const report = await runCrashScenario({ ...s, orders: ORDERS, kills: KILLS });
    try {
      assert.ok(report.killsMidWork >= KILLS, `${report.killsMidWork} kills landed mid-work`);
      const { done, attention } = checkExactlyOnce(report);
      assert.deepEqual(attention.map((j) => `${j.key}: ${j.lastError?.message}`), [], 'no order needs attention');
      assert.equal(done, ORDERS);
      t.diagnostic(
        `${report.kills} kills (${report.killsMidWork} mid-work, ${report.runningAtKills} jobs running at kill time, ${report.doneAtLastKill} done at the last kill); ` +
          `${report.importResends} import resends, ${report.lookups} lookups; kill phase ${report.killPhaseMs} ms, drain ${report.drainMs} ms, total ${report.ms} ms`,
      );
    } finally {
      await report.e2e.close();
    }
  });
}
