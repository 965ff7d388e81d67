/**
 * The engine-facing seams of the design import: a stored payload read back (stored state is
 * input) gives the same plan as the original, a damaged one is a data error, and the acceptance
 * policy refuses before anything is translated.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseStoredDesignPayload, planDesignImport, DesignRefusedError } from '../../src/engine/design-import.ts';
import { designTranslationOptionsSchema } from '../../src/translate/design-to-cetec/options.ts';
import { ShopwireError } from '../../src/lib/errors.ts';

const dir = new URL('../fixtures/cablebuilder/', import.meta.url);
const read = (name: string): unknown => JSON.parse(readFileSync(new URL(name, dir), 'utf8'));
const translation = designTranslationOptionsSchema.parse(read('translation-options.json'));

test('a stored payload read back plans exactly like the golden', () => {
  const stored = JSON.parse(JSON.stringify(read('get-design-cable-a-multilevel.json')));
  const { plan, partRevision } = planDesignImport(parseStoredDesignPayload(stored), translation, 'valid-and-approved');
  assert.deepEqual(plan, read('get-design-cable-a-multilevel.plan.json'));
  assert.equal(partRevision.prcpart, 'CABLE_A');
  assert.equal(partRevision.revision_text, '0.3');
});

test('a damaged stored payload is a data error naming the element', () => {
  const stored = read('get-design-cable-a-multilevel.json') as Array<{ detail: { designAlternative: unknown } }>;
  stored[2]!.detail.designAlternative = 'zero';
  assert.throws(() => parseStoredDesignPayload(stored), (e: unknown) => e instanceof ShopwireError && e.kind === 'data' && e.message.startsWith('stored design payload [2]: detail.designAlternative'));
});

test('policy: valid-and-approved refuses unapproved designs, valid lets them through, any ignores validity', () => {
  const design = parseStoredDesignPayload(read('send-design-cable-a.json'));
  design[0]!.detail.approved = false;
  assert.throws(() => planDesignImport(design, translation, 'valid-and-approved'), DesignRefusedError);
  assert.equal(planDesignImport(design, translation, 'valid').plan.steps[0]?.kind, 'partrevisiondefinition');
  design[0]!.detail.valid = false;
  assert.throws(() => planDesignImport(design, translation, 'valid'), DesignRefusedError);
  assert.equal(planDesignImport(design, translation, 'any').plan.steps[0]?.kind, 'partrevisiondefinition');
});
