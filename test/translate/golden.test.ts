/**
 * Golden plans of the two real fixture orders. `UPDATE_GOLDEN=1 node --test test/translate/`
 * rewrites them; review the diff by eye before committing (docs/translation.md lists the rules).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { DEFAULT_ORDER_TRANSLATION_OPTIONS } from '../../src/translate/order-to-cetec/options.ts';
import { toOrderPlan } from '../../src/translate/order-to-cetec/plan.ts';
import { PLANS, fixtureText } from './helpers.ts';

const CASES = [
  { fixture: 'order.json', golden: 'order-179.plan.json' },
  { fixture: 'minimal_order.json', golden: 'minimal-order-72.plan.json' },
];

for (const c of CASES) {
  test(`${c.fixture} translates to ${c.golden}`, () => {
    const plan = toOrderPlan(JSON.parse(fixtureText(c.fixture)), DEFAULT_ORDER_TRANSLATION_OPTIONS, { profile: 'example' });
    const actual = `${JSON.stringify(plan, null, 2)}\n`;
    const file = new URL(c.golden, PLANS);
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, actual);
    assert.deepEqual(JSON.parse(actual), JSON.parse(readFileSync(file, 'utf8')));
  });
}
