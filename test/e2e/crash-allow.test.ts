/**
 * Crash safety against a tenant that ALLOWS a reused external key (a resend would create a second
 * sales order). `shopwire run` exporting 200 generated orders is SIGKILLed at least 20 times at
 * seeded random moments (restarted after each), then runs to the end.
 * - With the order lookup on (tenant and hub), the hub proves every interrupted import's outcome
 *   before acting: every order exactly once, none lost, none left for a person.
 * - With the lookup off, nothing can prove an interrupted import's outcome: there must still be no
 *   duplicate, and an order whose import was interrupted may only end in needs-attention, saying
 *   that the order may exist; never done without its order in Cetec.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkExactlyOnce, runCrashScenario } from './crash.ts';
import { plannedOrders } from './expected-cetec.ts';

const ORDERS = 200;
const KILLS = 20;

test(`${KILLS}+ kills, ${ORDERS} orders, tenant allow, lookup on: every order exported exactly once`, async (t) => {
  const report = await runCrashScenario({ duplicateExternalKey: 'allow', orderLookup: true, seed: 303, orders: ORDERS, kills: KILLS });
  try {
    assert.ok(report.killsMidWork >= KILLS, `${report.killsMidWork} kills landed mid-work`);
    const { done, attention } = checkExactlyOnce(report);
    assert.deepEqual(attention.map((j) => `${j.key}: ${j.lastError?.message}`), [], 'no order needs attention');
    assert.equal(done, ORDERS);
    t.diagnostic(
      `${report.kills} kills (${report.killsMidWork} mid-work, ${report.runningAtKills} jobs running at kill time, ${report.doneAtLastKill} done at the last kill); ` +
        `${report.importResends} import calls beyond one per quote, ${report.lookups} lookups; kill phase ${report.killPhaseMs} ms, drain ${report.drainMs} ms, total ${report.ms} ms`,
    );
  } finally {
    await report.e2e.close();
  }
});

test(`${KILLS}+ kills, ${ORDERS} orders, tenant allow, lookup off: no duplicate; unprovable orders need attention, never done without proof`, async (t) => {
  const report = await runCrashScenario({ duplicateExternalKey: 'allow', orderLookup: false, seed: 404, orders: ORDERS, kills: KILLS });
  try {
    assert.ok(report.killsMidWork >= KILLS, `${report.killsMidWork} kills landed mid-work`);
    const { done, attention } = checkExactlyOnce(report);
    for (const job of attention) {
      assert.equal(job.lastError?.code, 'engine.import_outcome_unknown', `order ${job.key}: ${JSON.stringify(job.lastError)}`);
      assert.match(job.lastError!.message, new RegExp(`^Order ${job.key}: .*may exist in Cetec.*external key`), `order ${job.key}`);
    }
    assert.equal(done + attention.length, ORDERS);
    t.diagnostic(
      `${report.kills} kills (${report.killsMidWork} mid-work, ${report.doneAtLastKill} done at the last kill); ${done} done, ${attention.length} need attention ` +
        `(${attention.filter((j) => report.e2e.cetec.state.quotesByExternalKey(plannedOrders(report.e2e.planOf(Number(j.key)))[0]!.external_key).length > 0).length} of them do exist in Cetec); ` +
        `kill phase ${report.killPhaseMs} ms, drain ${report.drainMs} ms, total ${report.ms} ms`,
    );
  } finally {
    await report.e2e.close();
  }
});
