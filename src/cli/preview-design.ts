/**
 * `shopwire preview-design --file <design.json> [--json]`: translates a CableBuilder design (one
 * design, or a Get Design multi-level array) into its Cetec plan and prints it; sends nothing.
 * Translation settings come from `cablebuilder.translation` in the config file when there is one.
 * `--json` prints `{ steps, warnings }`, byte-identical across runs. Exit 1 when the design cannot
 * be translated (each problem printed on stderr).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { readInputFile } from './context.ts';
import { ConfigError } from '../config/errors.ts';
import { designSchema, describeIssue, type CommonDesign } from '../systems/cablebuilder/schemas.ts';
import type { CetecBomNode } from '../systems/cetec/schemas.ts';
import { toDesignPlan } from '../translate/design-to-cetec/plan.ts';
import { DesignTranslationError } from '../translate/design-to-cetec/errors.ts';
import type { Plan } from '../translate/plan.ts';
import { designTranslationOptionsSchema, type DesignTranslationOptions } from '../translate/design-to-cetec/options.ts';
import { loadOptionalConfig, translationFromConfig } from './design.ts';

export function readDesigns(file: string): CommonDesign[] {
  let json: unknown;
  try {
    json = JSON.parse(readInputFile(file));
  } catch (error) {
    throw new ConfigError(`${file}: ${(error as Error).message}`);
  }
  const list = Array.isArray(json) ? json : [json];
  return list.map((d, i) => {
    const parsed = designSchema.safeParse(d);
    if (!parsed.success) throw new ConfigError(`${file}: ${Array.isArray(json) ? `[${i}].` : ''}${describeIssue(parsed.error)}`);
    return parsed.data;
  });
}

function translationFromFile(file: string): DesignTranslationOptions {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`${file}: ${(error as Error).message}`);
  }
  const parsed = designTranslationOptionsSchema.safeParse(json);
  if (!parsed.success) throw new ConfigError(`${file}: ${describeIssue(parsed.error)}`);
  return parsed.data;
}

function nodeLines(node: CetecBomNode, indent: string, out: string[]): void {
  for (const loc of node.locations ?? []) {
    const ops = (loc.operations ?? []).map((o) => `${o.operation_external_key}: ${o.instructions.map((i) => i.instruction).join(', ')}`).join('; ');
    out.push(`${indent}routing ${loc.build_order}: ${loc.location_external_key}${ops ? `  [${ops}]` : ''}`);
  }
  for (const child of node.bom_definition ?? []) {
    out.push(`${indent}line ${child.component ?? '-'}: ${child.prcpart} rev ${JSON.stringify(child.revision_text)} × ${child.qty_per_top}`);
    nodeLines(child, `${indent}    `, out);
  }
}

export function formatDesignPlan(plan: Plan): string {
  const out: string[] = [`plan: ${plan.steps.length} step(s)`];
  const defined = new Map<string, number>();
  plan.steps.forEach((step, i) => {
    if (step.kind === 'part') {
      out.push(`${i + 1}. describe ${step.body.prcpart}: ${JSON.stringify(step.body.description)} (PUT /api/part)`);
      return;
    }
    if (step.kind === 'current-revision') {
      out.push(`${i + 1}. make revision ${JSON.stringify(step.body.revision.revision)} the current revision of ${step.body.prcpart} (PUT /api/partrevisiondefinition, current_rev: true, the same ${step.body.bom_definition.length} BOM line(s))`);
      return;
    }
    if (step.kind !== 'partrevisiondefinition') return;
    const same = defined.get(JSON.stringify(step.body));
    if (same !== undefined) {
      out.push(`${i + 1}. define ${step.body.prcpart} revision ${JSON.stringify(step.body.revision_text)} again, the same tree as step ${same} (POST /api/partrevisiondefinition; restores what the older PUT may not keep)`);
      return;
    }
    defined.set(JSON.stringify(step.body), i + 1);
    out.push(`${i + 1}. define ${step.body.prcpart} revision ${JSON.stringify(step.body.revision_text)} (POST /api/partrevisiondefinition)`);
    nodeLines(step.body, '   ', out);
  });
  out.push(plan.warnings.length === 0 ? 'warnings: none' : `warnings (${plan.warnings.length}):`);
  for (const w of plan.warnings) out.push(`  ${w.code}: ${w.message}`);
  return `${out.join('\n')}\n`;
}

export function register(program: Command): void {
  program
    .command('preview-design')
    .description('print the Cetec plan for a CableBuilder design file; send nothing')
    .requiredOption('--file <design.json>', 'a design (common design structure) or a Get Design array; - reads stdin')
    .option('--options <translation.json>', 'translation options (cablebuilder.translation) from a JSON file instead of the config file')
    .option('--json', 'print { steps, warnings } as JSON')
    .action((options: { file: string; options?: string; json?: boolean }, command: Command) => {
      const translation = options.options === undefined ? translationFromConfig(loadOptionalConfig(command)) : translationFromFile(options.options);
      const designs = readDesigns(options.file);
      let plan: Plan;
      try {
        plan = toDesignPlan(designs, translation);
      } catch (error) {
        if (!(error instanceof DesignTranslationError)) throw error;
        for (const p of error.problems) process.stderr.write(`${p.where}: ${p.message} [${p.code}]\n`);
        process.exitCode = 1;
        return;
      }
      process.stdout.write(options.json ? `${JSON.stringify({ steps: plan.steps, warnings: plan.warnings }, null, 2)}\n` : formatDesignPlan(plan));
    });
}
