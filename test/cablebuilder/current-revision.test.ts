/**
 * A newer CableBuilder version becomes the current Cetec revision. CableBuilder only ever sends an
 * alternative's current version (reference 11.6, A-10), and Cetec makes only a part's first revision
 * current by itself (cetec.md 9.3 item 7: the emulator's reading of it), so without a step of ours
 * version 4 would become revision 0.4 while orders asking for the current revision kept building
 * 0.3. Option `currentRevision` (default `sent-version`; `cetec-default` leaves it to Cetec), for the
 * `primaryAlternative` only. Through the real Cetec client and emulator on 127.0.0.1.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startCetecEmulator, type CetecEmulator } from '../../emulators/cetec/server.ts';
import { createCetecClient, type CetecClient } from '../../src/systems/cetec/client.ts';
import { designSchema, type CommonDesign } from '../../src/systems/cablebuilder/schemas.ts';
import { toDesignPlan } from '../../src/translate/design-to-cetec/plan.ts';
import { designTranslationOptionsSchema } from '../../src/translate/design-to-cetec/options.ts';
import { executeDesignPlan } from '../../src/engine/design-import.ts';
import { formatDesignPlan } from '../../src/cli/preview-design.ts';

const dir = new URL('../fixtures/cablebuilder/', import.meta.url);
const read = (name: string): unknown => JSON.parse(readFileSync(new URL(name, dir), 'utf8'));
const rawOptions = read('translation-options.json') as Record<string, unknown>;
const options = designTranslationOptionsSchema.parse(rawOptions);
const cetecDefault = designTranslationOptionsSchema.parse({ ...rawOptions, currentRevision: 'cetec-default' });
const multi = (read('get-design-cable-a-multilevel.json') as unknown[]).map((d) => designSchema.parse(d));
const withVersion = (designs: CommonDesign[], version: number): CommonDesign[] =>
  designs.map((d) => (d.detail.design === 'CABLE_A' ? { ...d, detail: { ...d.detail, version } } : d));

let cetec: CetecEmulator;
let client: CetecClient;
before(async () => {
  cetec = await startCetecEmulator({ tokens: ['cetec-token-rev-1'] });
  client = createCetecClient({ baseUrl: cetec.url, token: 'cetec-token-rev-1', breaker: false, retry: { maxAttempts: 1 } });
});
after(async () => {
  await client.close();
  await cetec.close();
});

test('the plan makes each design\'s revision current with the same BOM lines, then sends the definition again', () => {
  const plan = toDesignPlan(multi, options);
  // Every design of the tree, children first (materials too: a design without lines gets an empty BOM either way).
  assert.deepEqual(plan.steps.map((s) => (s.kind === 'current-revision' ? `current ${s.body.prcpart} ${s.body.revision.revision}` : s.kind)).slice(0, 9), [
    'partrevisiondefinition',
    'current CU_WIRE 0.0', 'current COND_15 0.0', 'current PVC_TI1 0.0', 'current CORE_1 0.1', 'current CORE_2 0.1', 'current PVC_ST2 0.0', 'current CABLE_A 0.3',
    'partrevisiondefinition',
  ]);
  const root = plan.steps[0]!;
  const top = plan.steps.find((s) => s.kind === 'current-revision' && s.body.prcpart === 'CABLE_A')!;
  assert.ok(root.kind === 'partrevisiondefinition' && top.kind === 'current-revision');
  assert.deepEqual(top.body.revision, { part: { prcpart: 'CABLE_A' }, revision: '0.3', status: 'Active', current_rev: true });
  assert.deepEqual(top.body.bom_definition.map((l) => [l.prcpart, l.revision.revision, l.component, l.qty_per_top]), (root.body.bom_definition ?? []).map((l) => [l.prcpart, l.revision_text, l.component, l.qty_per_top]));
  assert.deepEqual(plan.steps[8], root, 'the same definition again');

  assert.ok(!toDesignPlan(multi, cetecDefault).steps.some((s) => s.kind === 'current-revision'), 'cetec-default adds nothing');
  const otherAlternative = multi.map((d) => (d.detail.design === 'CABLE_A' ? { ...d, detail: { ...d.detail, designAlternative: 1 } } : d));
  assert.ok(!toDesignPlan(otherAlternative, options).steps.some((s) => s.kind === 'current-revision' && s.body.prcpart === 'CABLE_A'), 'only the primary alternative becomes current');
});

test('version 3 then version 4: revision 0.4 becomes current in Cetec with its BOM lines; cetec-default keeps 0.3', async () => {
  cetec.reset();
  await executeDesignPlan(toDesignPlan(withVersion(multi, 3), options), client);
  assert.equal(cetec.state.part('CABLE_A')?.current_revision, '0.3');
  await executeDesignPlan(toDesignPlan(withVersion(multi, 4), options), client);
  assert.equal(cetec.state.part('CABLE_A')?.current_revision, '0.4', 'the newer version is the current revision');
  const root = toDesignPlan(withVersion(multi, 4), options).steps[0]!;
  assert.ok(root.kind === 'partrevisiondefinition');
  assert.deepEqual(cetec.state.bom('CABLE_A', '0.4')?.map((l) => [l.prcpart, l.revision, l.qty_per_top]), (root.body.bom_definition ?? []).map((l) => [l.prcpart.toUpperCase(), l.revision_text, l.qty_per_top]));
  assert.deepEqual(cetec.state.bom('CABLE_A', '0.3')?.map((l) => l.prcpart), cetec.state.bom('CABLE_A', '0.4')?.map((l) => l.prcpart), 'the older revision is kept');

  await executeDesignPlan(toDesignPlan(withVersion(multi, 5), cetecDefault), client);
  assert.equal(cetec.state.part('CABLE_A')?.current_revision, '0.4', 'cetec-default: Cetec keeps its current revision');
  assert.ok(cetec.state.bom('CABLE_A', '0.5'));
});

test('preview-design shows which revision becomes current', () => {
  const text = formatDesignPlan(toDesignPlan(multi, options));
  assert.match(text, /\d+\. make revision "0\.3" the current revision of CABLE_A \(PUT \/api\/partrevisiondefinition, current_rev: true, the same 4 BOM line\(s\)\)/);
  assert.doesNotMatch(formatDesignPlan(toDesignPlan(multi, cetecDefault)), /current revision/);
});
