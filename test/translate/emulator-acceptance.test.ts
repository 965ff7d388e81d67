/**
 * Plans are accepted by the Cetec emulator (in process, no port): every work location, ship code,
 * terms key and PRC the default options produce exists in its seed, and its strictest checks
 * (PRC prefixes, build lines need a definition, no zero repetitions, no operations on outside
 * services) pass for both fixtures and generated orders.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCetecEmulator } from '../../emulators/cetec/server.ts';
import { generateOrder } from '../../emulators/paperless/generate-order.ts';
import { DEFAULT_ORDER_TRANSLATION_OPTIONS } from '../../src/translate/order-to-cetec/options.ts';
import { toOrderPlan } from '../../src/translate/order-to-cetec/plan.ts';
import { fixture } from './helpers.ts';

const TOKEN = 'emulator-token';

test('plans of the fixtures and of generated orders are accepted by the Cetec emulator', async () => {
  const { app } = buildCetecEmulator({
    tokens: [TOKEN],
    behaviours: { prcRequired: true, buildLineNeedsDefinition: 'reject', requireVersionHeader: true },
  });
  try {
    const orders: object[] = [fixture('order.json'), fixture('minimal_order.json')];
    for (let seed = 1; seed <= 40; seed++) orders.push(generateOrder(seed, { number: 20_000 + seed }));
    for (const order of orders) {
      const plan = toOrderPlan(order, DEFAULT_ORDER_TRANSLATION_OPTIONS, { profile: 'accept' });
      for (const step of plan.steps) {
        if (step.kind === 'partrevisiondefinition') {
          const res = await app.inject({
            method: 'POST',
            url: '/api/partrevisiondefinition',
            headers: { 'content-type': 'application/json', version: '2.0' },
            payload: { ...step.body, preshared_token: TOKEN },
          });
          assert.equal(res.statusCode, 200, `order ${(order as { number: number }).number} BOM ${step.body.prcpart}: ${res.body}`);
        } else {
          const res = await app.inject({
            method: 'POST',
            url: `/importjson/quotes?preshared_token=${encodeURIComponent(TOKEN)}&import_source_name=PAPERLESS`,
            headers: { 'content-type': 'application/json' },
            payload: step.body,
          });
          assert.equal(res.statusCode, 200);
          const body = res.json() as { success: number; message: string; orders: number[] };
          assert.equal(body.success, 1, `order ${(order as { number: number }).number}: ${body.message}`);
          assert.equal(body.orders.length, 1);
        }
      }
    }
  } finally {
    await app.close();
  }
});
