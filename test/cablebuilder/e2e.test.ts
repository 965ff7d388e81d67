/**
 * End to end, all on 127.0.0.1: the emulated CableBuilder sends designs to the hub's receiver,
 * the hub imports them into the emulated Cetec, and the write-back (`update` in the answer, or
 * Update Design after a pull) arrives in the emulated CableBuilder.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, SECRET, SECRET_HEADER, type Harness } from './harness.ts';
import { createCableBuilderClient } from '../../src/systems/cablebuilder/client.ts';
import { pullDesign } from '../../src/engine/design-import.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

const header = (design: string, name: string): string | undefined =>
  h.cablebuilder.state.designs.get(`${design}#0`)?.header.find((a) => a.name === name)?.value;

test('single design sent (sync): Cetec holds part, BOM and routing; the write-back lands in CableBuilder', async () => {
  const [answer] = await h.cablebuilder.send('CABLE_A');
  assert.equal(answer!.outcome, 'success', JSON.stringify(answer));
  const body = answer!.body as { success: boolean; errors: string[]; update: unknown };
  assert.equal(body.success, true);
  assert.ok(body.errors.some((e) => e.startsWith('Note: imported into Cetec as CABLE_A revision 0.3')), body.errors.join('\n'));

  const bom = h.cetec.state.bom('CABLE_A', '0.3');
  assert.deepEqual(bom?.map((l) => [l.prcpart, l.qty_per_top, l.component]), [
    ['CORE_1', 1.02, 10010], ['CORE_2', 1.02, 10020], ['CU_WIRE', 1.005, 10030], ['PVC_ST2', 0.0955, 20010],
  ]);
  const labor = h.cetec.state.labor('CABLE_A', '0.3');
  assert.deepEqual(labor?.map((l) => [l.location_external_key, l.build_order, l.operations[0]?.instructions]), [
    ['assembly', 1, ['LAYUP (layer 10)']], ['finishing', 2, ['SHEATH (layer 20)']],
  ]);

  assert.equal(header('CABLE_A', 'erpPart'), 'CABLE_A');
  assert.equal(header('CABLE_A', 'erpRevision'), '0.3');
  assert.equal(header('CABLE_A', 'erpStatus'), 'In ERP');
  assert.equal(h.cablebuilder.design('CABLE_A')?.detail.inERP, true, 'success: true marks the version as in ERP [A-37]');
});

test('multi-level design sent as one array (children first): every level is defined in Cetec', async () => {
  const client = createCableBuilderClient({ baseUrl: h.cablebuilder.url });
  const levels = await client.getDesign({ design: 'CORE_2', designAlternative: 0 });
  await client.close();
  assert.deepEqual(levels.map((d) => d.detail.design), ['CU_WIRE', 'PVC_TI1', 'COND_15', 'CORE_2']);
  const [answer] = await h.cablebuilder.send(levels.map((d) => d.detail.design), { batch: 'array' });
  assert.equal(answer!.outcome, 'success', JSON.stringify(answer));
  assert.deepEqual(h.cetec.state.bom('CORE_2', '0.1')?.map((l) => [l.prcpart, l.revision]), [['COND_15', '0.0'], ['PVC_TI1', '0.0']]);
  assert.deepEqual(h.cetec.state.bom('COND_15', '0.0')?.map((l) => [l.prcpart, l.qty_per_top]), [['CU_WIRE', 1.03]]);
  assert.deepEqual(h.cetec.state.labor('COND_15', '0.0')?.map((l) => l.location_external_key), ['default']);
  assert.equal(header('CORE_2', 'erpPart'), 'CORE_2');
});

test('a repeat of the same design version is recognised and not imported again; a changed resend is an update', async () => {
  const before = h.cetec.journal().length;
  const [again] = await h.cablebuilder.send('CABLE_A');
  const body = again!.body as { success: boolean; errors: string[] };
  assert.equal(body.success, true);
  assert.ok(body.errors.some((e) => e.includes('already received')), body.errors.join('\n'));
  assert.equal(h.inbox.jobs.get('CABLE_A#0@3')?.runs, 1);
  assert.equal(h.cetec.journal().length, before, 'no new Cetec call for a repeat');

  // Change a mapped, non-primary attribute without a new version, then resend.
  h.cablebuilder.state.designs.get('CABLE_A#0')!.operations[0]!.layers[0]!.boms[0]!.attributes.find((a) => a.name === 'quantity')!.value = '1030';
  const [changed] = await h.cablebuilder.send('CABLE_A');
  assert.ok((changed!.body as { errors: string[] }).errors.some((e) => e.includes('received before with other content')));
  assert.equal(h.inbox.jobs.get('CABLE_A#0@3')?.runs, 2);
  assert.equal(h.cetec.state.bom('CABLE_A', '0.3')?.[0]?.qty_per_top, 1.03);
});

test('queue mode answers at once, truthfully, and the import follows', async () => {
  const [answer] = await h.cablebuilder.send('CORE_1', { to: { url: `${h.receiverUrl}/cablebuilder/send-design-queued`, auth: { kind: 'header', name: SECRET_HEADER, value: SECRET } } });
  const body = answer!.body as { success: boolean; errors: string[] };
  assert.equal(body.success, true);
  assert.ok(body.errors.some((e) => e.startsWith('Note: queued for import into Cetec as CORE_1 revision 0.1')), body.errors.join('\n'));
  assert.equal(header('CORE_1', 'erpStatus'), 'Queued for ERP');
  const outcome = await h.inbox.waitForOutcome('CORE_1#0@1', 5_000);
  assert.equal(outcome?.state, 'done');
  assert.ok(h.cetec.state.bom('CORE_1', '0.1'));
});

test('pull: Get Design (all levels) → Cetec → Update Design write-back', async () => {
  h.cetec.reset();
  const client = createCableBuilderClient({ baseUrl: h.cablebuilder.url });
  try {
    const result = await pullDesign({ design: 'CORE_2', designAlternative: 0 }, { cablebuilder: client, cetec: h.cetecClient, translation: h.translation, policy: h.policy });
    assert.equal(result.prcpart, 'CORE_2');
    assert.equal(result.writeBack?.ok, true);
  } finally {
    await client.close();
  }
  assert.ok(h.cetec.state.bom('CORE_2', '0.1'));
  assert.equal(header('CORE_2', 'erpStatus'), 'In ERP');
  assert.equal(header('CORE_2', 'erpRevision'), '0.1');
});

test('another alternative of the same design is its own design; unapproved, it is refused and nothing reaches Cetec', async () => {
  h.cetec.reset();
  const [answer] = await h.cablebuilder.send('CABLE_A#1');
  assert.equal(answer!.outcome, 'rejected');
  assert.deepEqual((answer!.body as { errors: string[] }).errors, ['Error: design CABLE_A#1 version 0 is not approved']);
  assert.equal(h.cablebuilder.design('CABLE_A', 1)?.detail.inERP, false);
  assert.deepEqual(h.cetec.journal(), []);
});
