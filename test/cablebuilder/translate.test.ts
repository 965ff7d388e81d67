/**
 * design → Cetec translation: golden plans for the guide's Send Design example and the worked
 * multi-level example (reference 6.1, 7.4), and the data errors that name what is wrong.
 * Regenerate goldens with UPDATE_GOLDEN=1 (then read the diff).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { designSchema, type CommonDesign } from '../../src/systems/cablebuilder/schemas.ts';
import { toDesignPlan, toDesignPartRevision } from '../../src/translate/design-to-cetec/plan.ts';
import { DesignTranslationError } from '../../src/translate/design-to-cetec/errors.ts';
import { designTranslationOptionsSchema, DEFAULT_DESIGN_TRANSLATION_OPTIONS } from '../../src/translate/design-to-cetec/options.ts';
import type { Plan } from '../../src/translate/plan.ts';
import type { CetecBomNode } from '../../src/systems/cetec/schemas.ts';

const rootOf = (plan: Plan): CetecBomNode => {
  const step = plan.steps[0]!;
  assert.equal(step.kind, 'partrevisiondefinition');
  return step.body as CetecBomNode;
};

const dir = new URL('../fixtures/cablebuilder/', import.meta.url);
const read = (name: string): unknown => JSON.parse(readFileSync(new URL(name, dir), 'utf8'));
const options = designTranslationOptionsSchema.parse(read('translation-options.json'));
const single = designSchema.parse(read('send-design-cable-a.json'));
const multi = (read('get-design-cable-a-multilevel.json') as unknown[]).map((d) => designSchema.parse(d));

function golden(name: string, value: unknown): void {
  const file = new URL(name, dir);
  const text = `${JSON.stringify(value, null, 2)}\n`;
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, text);
  assert.equal(text, readFileSync(file, 'utf8'));
}

function problemsOf(fn: () => unknown): Array<{ code: string; where: string; message: string }> {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof DesignTranslationError, String(error));
    assert.equal(error.kind, 'data');
    return error.problems;
  }
  return assert.fail('expected a DesignTranslationError');
}

test('the guide’s Send Design example becomes one BOM definition (golden)', () => {
  const plan = toDesignPlan([single], options);
  golden('send-design-cable-a.plan.json', plan);
  const root = plan.steps[0]!.body as { prcpart: string; revision_text: string; bom_definition: Array<{ prcpart: string; qty_per_top: number; component: number }> };
  assert.equal(root.prcpart, 'CABLE_A');
  assert.equal(root.revision_text, '0.3');
  assert.deepEqual(root.bom_definition.map((l) => [l.prcpart, l.qty_per_top, l.component]), [['CORE_1', 1.02, 10010]]);
});

test('a multi-level Get Design answer becomes a nested tree rooted at the top design (golden)', () => {
  const plan = toDesignPlan(multi, options);
  golden('get-design-cable-a-multilevel.plan.json', plan);
  // One definition of the whole tree, each design's revision made current and the definition again
  // (current-revision.test.ts), then each part's description (the definition has no field for it).
  assert.equal(plan.steps[0]!.kind, 'partrevisiondefinition');
  assert.equal(plan.steps.filter((s) => s.kind === 'current-revision').length, 7);
  assert.deepEqual(plan.steps[8], plan.steps[0]);
  assert.deepEqual(
    plan.steps.slice(9).map((s) => (s.kind === 'part' ? [s.body.prcpart, s.body.description] : s.kind)),
    [["CU_WIRE", "Copper wire 0.25mm"], ["COND_15", "Conductor 1.5mm2 class 5"], ["PVC_TI1", "PVC insulation compound TI1"], ["CORE_1", "Core 1.5mm2 brown"], ["CORE_2", "Core 1.5mm2 blue"], ["PVC_ST2", "PVC sheath compound ST2"], ["CABLE_A", "4C 1.5mm2 PVC/PVC"]],
  );
  const root = rootOf(plan);
  assert.equal(root.prcpart, 'CABLE_A');
  assert.deepEqual(root.bom_definition?.map((c) => c.prcpart), ['CORE_1', 'CORE_2', 'CU_WIRE', 'PVC_ST2']);
  const core1 = root.bom_definition![0]!;
  assert.equal(core1.revision_text, '0.1');
  assert.deepEqual(core1.bom_definition?.map((c) => c.prcpart), ['COND_15', 'PVC_TI1']);
  assert.deepEqual(core1.bom_definition?.[0]?.bom_definition?.map((c) => c.prcpart), ['CU_WIRE']);
  assert.deepEqual(root.locations?.map((l) => [l.location_external_key, l.build_order]), [['assembly', 1], ['finishing', 2]]);
  assert.deepEqual(plan.warnings, []);
});

test('the same input gives byte-identical plans, and input order does not matter', () => {
  const a = JSON.stringify(toDesignPlan(multi, options));
  const b = JSON.stringify(toDesignPlan([...multi].reverse(), options));
  assert.equal(a, b);
});

test('a missing or invalid BOM quantity names design, operation, layer and position', () => {
  const d = structuredClone(single) as CommonDesign;
  d.operations![0]!.layers![0]!.boms![0]!.attributes!.find((x) => x.name === 'quantity')!.value = '1,020';
  const problems = problemsOf(() => toDesignPlan([d], options));
  assert.equal(problems[0]!.code, 'bom.quantity-invalid');
  assert.equal(problems[0]!.where, 'design CABLE_A#0 › operation 10 › layer 10 › position 10');
  d.operations![0]!.layers![0]!.boms![0]!.attributes = d.operations![0]!.layers![0]!.boms![0]!.attributes!.filter((x) => x.name !== 'quantity');
  assert.equal(problemsOf(() => toDesignPlan([d], options))[0]!.code, 'bom.quantity-missing');
});

test('an unmapped resource is a data error naming design, operation and resource, unless a default location is set', () => {
  const bare = designTranslationOptionsSchema.parse({});
  const problems = problemsOf(() => toDesignPlan([single], bare));
  assert.deepEqual(problems.map((p) => [p.code, p.where]), [['routing.resource-unmapped', 'design CABLE_A#0 › operation 10 › resource 10 LAY_A_01']]);
  const withDefault = designTranslationOptionsSchema.parse({ defaultLocation: 'default' });
  assert.equal(rootOf(toDesignPlan([single], withDefault)).locations?.[0]?.location_external_key, 'default');
});

test('design codes Cetec cannot hold, and unknown plants, are refused', () => {
  const d = structuredClone(single) as CommonDesign;
  d.detail.design = 'CABLE"A';
  assert.equal(problemsOf(() => toDesignPlan([d], options))[0]!.code, 'part-number-invalid');
  const p = structuredClone(single) as CommonDesign;
  p.plant!.plant = 'PLANT_Q';
  assert.equal(problemsOf(() => toDesignPlan([p], options))[0]!.code, 'plant-unknown');
});

test('part number and revision follow the configured templates', () => {
  const custom = designTranslationOptionsSchema.parse({ ...read('translation-options.json') as object, partNumber: 'CBL {design}', revision: 'v{version}' });
  assert.deepEqual(toDesignPartRevision(single, custom), { design: 'CABLE_A', designAlternative: 0, version: 3, prcpart: 'CBL CABLE_A', revision_text: 'v3' });
  assert.equal(toDesignPartRevision(single, DEFAULT_DESIGN_TRANSLATION_OPTIONS).revision_text, '0.3');
});
