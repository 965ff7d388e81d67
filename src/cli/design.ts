/**
 * `shopwire design get|update|create|pull`: CableBuilder's Get, Update and Create Design from the
 * command line, and `pull` (Get Design, all levels → Cetec → Update Design write-back).
 *
 * Connection: `--base-url`, else $SHOPWIRE_CABLEBUILDER_URL, else `cablebuilder.client.baseUrl` in
 * the config file. Optional credentials: `cablebuilder.client.auth` ({kind: basic, user,
 * passwordEnv} or {kind: header, name, valueEnv}). Translation and write-back settings:
 * `cablebuilder.translation`, `cablebuilder.receiver.policy`. Exit codes as in main.ts; `update`
 * and `create` exit 1 when an attribute was not stored.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ConfigError } from '../config/errors.ts';
import { loadConfigOrNull, type Config } from '../config/load.ts';
import type { CableBuilderClient, DesignWriteResult } from '../systems/cablebuilder/client.ts';
import { designSchema, describeIssue, type CommonDesign } from '../systems/cablebuilder/schemas.ts';
import { payloadHash } from '../systems/cablebuilder/send-design-contract.ts';
import { toDesignPartRevision, topDesignOf } from '../translate/design-to-cetec/plan.ts';
import { cableBuilderClientFrom, cableBuilderWiring, designJobKey, designProfile } from './cablebuilder.ts';
import { openConfiguredStore, openHub } from './compose.ts';
import { finalOutcome, type DesignReporter } from '../engine/design-report.ts';
import type { JobRecord, Store } from '../store/store.ts';
import { cliActor, commandLogger, jobStepsNote, requeueNote } from './context.ts';
import { DEFAULT_DESIGN_TRANSLATION_OPTIONS, type DesignTranslationOptions } from '../translate/design-to-cetec/options.ts';
import { progress, withProgress } from './terminal.ts';

/** `cablebuilder.translation` from the config file (defaults when absent). */
export function translationFromConfig(config: Config | null): DesignTranslationOptions {
  return config?.cablebuilder?.translation ?? DEFAULT_DESIGN_TRANSLATION_OPTIONS;
}

export function loadOptionalConfig(command: Command): Config | null {
  return loadConfigOrNull({ file: command.optsWithGlobals().config as string | undefined });
}

function clientFrom(command: Command, config: Config | null): CableBuilderClient {
  const settings = config?.cablebuilder?.client;
  const baseUrl = (command.optsWithGlobals().baseUrl as string | undefined) ?? process.env.SHOPWIRE_CABLEBUILDER_URL ?? settings?.baseUrl;
  if (!baseUrl) {
    throw new ConfigError('design: no CableBuilder URL: pass --base-url, set SHOPWIRE_CABLEBUILDER_URL, or set cablebuilder.client.baseUrl in the config file');
  }
  const secret = (name: string, usedAt: string): string => {
    if (config === null) throw new ConfigError(`design: ${usedAt} needs a config file`);
    return config.secret(name, usedAt);
  };
  return cableBuilderClientFrom({ timeoutMs: 30_000, multiLevelTimeoutMs: 120_000, ...settings, baseUrl }, secret);
}

function readDesignFile(file: string): CommonDesign {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`${file}: ${(error as Error).message}`);
  }
  const parsed = designSchema.safeParse(json);
  if (!parsed.success) throw new ConfigError(`${file}: ${describeIssue(parsed.error)}`);
  return parsed.data;
}

const alternativeOf = (value: string): number => {
  if (!/^\d+$/.test(value)) throw new ConfigError(`--alternative must be a whole number, got ${JSON.stringify(value)}`);
  return Number(value);
};

function printWrite(result: DesignWriteResult, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(result.design, null, 2)}\n`);
  } else {
    for (const r of result.results) process.stdout.write(`${r.success ? 'ok  ' : 'FAIL'}  ${r.location} ${r.name} = ${JSON.stringify(r.value)}${r.message ? `  (${r.message})` : ''}\n`);
    process.stdout.write(result.ok ? `all ${result.results.length} attribute(s) stored\n` : `${result.results.filter((r) => !r.success).length} attribute(s) not stored\n`);
  }
  process.exitCode = result.ok ? 0 : 1;
}

async function auditDesignWrite(config: Config, name: 'update' | 'create', body: CommonDesign, result: DesignWriteResult): Promise<void> {
  const store = await openConfiguredStore(config);
  try {
    const failed = result.results.filter((r) => !r.success).length;
    await store.addAudit({
      actor: cliActor(),
      action: `design-${name}`,
      profile: designProfile(config),
      detail: `shopwire design ${name} ${body.detail.design}#${body.detail.designAlternative}: ${result.results.length - failed} attribute(s) stored${failed > 0 ? `, ${failed} not stored` : ''}`,
    });
  } finally {
    await store.close();
  }
}

export function describeDesign(d: CommonDesign): string {
  const x = d.detail;
  const flags = [`v${x.version ?? '?'}`, x.valid ? 'valid' : 'NOT valid', x.approved ? 'approved' : 'not approved', x.inERP ? 'in ERP' : 'not in ERP'];
  const lines = [`${x.design}#${x.designAlternative}  level ${x.level ?? 0} order ${x.order ?? 0}  ${flags.join(', ')}`];
  for (const e of x.errors ?? []) lines.push(`  ! ${e}`);
  for (const a of d.header?.attributes ?? []) lines.push(`  header ${a.name} = ${JSON.stringify(a.value ?? null)}${a.uom ? ` ${a.uom}` : ''}`);
  if (d.plant) lines.push(`  plant ${d.plant.plant}`);
  for (const op of d.operations ?? []) {
    lines.push(`  operation ${op.operation}${(op.resources ?? []).map((r) => `  resource ${r.resource} ${r.resourceName}`).join('')}`);
    for (const l of op.layers ?? []) {
      lines.push(`    layer ${l.layer} ${l.processName ?? ''}`);
      for (const b of l.boms ?? []) lines.push(`      position ${b.position}: ${(b.attributes ?? []).map((a) => `${a.name}=${a.value ?? ''}`).join(' ')}`);
    }
  }
  return lines.join('\n');
}

export function register(program: Command): void {
  const design = program
    .command('design')
    .description('CableBuilder designs: get, update, create, pull into Cetec')
    .option('--base-url <url>', 'CableBuilder ERP Integration base URL (…/live/rest/erpIntegration)');

  design
    .command('get')
    .description('Get Design: one design, or with --all-levels the design and its sub-designs (children first)')
    .argument('<design>', 'design code')
    .option('--alternative <n>', 'design alternative', '0')
    .option('--all-levels', 'include all sub-designs (multi-level)')
    .option('--json', 'print the answer as JSON')
    .action(async (code: string, options: { alternative: string; allLevels?: boolean; json?: boolean }, command: Command) => {
      const client = clientFrom(command, loadOptionalConfig(command));
      try {
        const designs = await withProgress(`design get ${code}`, { quiet: options.json === true }, async (bar) => {
          bar.note('waiting for CableBuilder');
          return client.getDesign({ design: code, designAlternative: alternativeOf(options.alternative), singleLevel: !options.allLevels });
        });
        process.stdout.write(options.json ? `${JSON.stringify(designs, null, 2)}\n` : `${designs.map(describeDesign).join('\n\n')}\n`);
      } finally {
        await client.close();
      }
    });

  for (const [name, what] of [['update', 'Update Design: set the attributes in <file.json>'], ['create', 'Create Design from <file.json>']] as const) {
    design
      .command(name)
      .description(what)
      .argument('<file>', 'design JSON (common design structure)')
      .option('--json', 'print the answer as JSON')
      .action(async (file: string, options: { json?: boolean }, command: Command) => {
        const body = readDesignFile(file);
        const config = loadOptionalConfig(command);
        const client = clientFrom(command, config);
        try {
          const result = await withProgress(`design ${name}`, { quiet: options.json === true }, async (bar) => {
            bar.note('waiting for CableBuilder');
            return name === 'update' ? client.updateDesign(body) : client.createDesign(body);
          });
          // A change made in CableBuilder by hand: in the audit log when there is a store to keep it.
          if (config !== null) await auditDesignWrite(config, name, body, result);
          printWrite(result, options.json === true);
        } finally {
          await client.close();
        }
      });
  }

  design
    .command('pull')
    .description('import a design (all levels) into Cetec as if CableBuilder had sent it, then write back with Update Design')
    .argument('<design>', 'design code')
    .option('--alternative <n>', 'design alternative', '0')
    .option('--profile <name>', 'profile whose Cetec connection to use')
    .option('--json', 'print the result as JSON')
    .action(async (code: string, options: { alternative: string; profile?: string; json?: boolean }, command: Command) => {
      const config = loadOptionalConfig(command);
      if (config === null) throw new ConfigError('design pull: needs a config file for the Cetec connection (--config or SHOPWIRE_CONFIG)');
      const profile = options.profile ?? designProfile(config);
      const alternative = alternativeOf(options.alternative);
      const client = clientFrom(command, config);
      // The pulled design goes the way a sent one goes: a durable design-import job, run by the
      // engine (checkpoints, transfer records), then written back with Update Design.
      const wiring = cableBuilderWiring(config, commandLogger(), { client });
      const hub = await openHub({ config, logger: commandLogger(), profiles: [profile], handlers: wiring.handlers });
      let jobId: string | null = null;
      const bar = progress(`design pull ${code}`, { quiet: options.json === true, poll: () => (jobId === null ? undefined : jobStepsNote(hub.store, jobId)) });
      try {
        bar.note('reading the design from CableBuilder');
        const designs = await client.getDesign({ design: code, designAlternative: alternative });
        const queued = await hub.store.enqueueJob({
          flow: 'design-import',
          profile,
          key: designJobKey(code, alternative),
          payload: designs,
          payloadHash: payloadHash(designs),
          trigger: { kind: 'cli', actor: cliActor() },
        });
        const did = requeueNote(
          { created: queued.created, changed: queued.changed, state: queued.job.state },
          { created: 'a new import job', done: 'this version is already in Cetec: nothing done', changed: 'design changed' },
        );
        await hub.store.addAudit({ actor: cliActor(), action: 'design-pull', profile, jobId: queued.job.id, detail: `shopwire design pull ${code}#${alternative}: ${did}` });
        if (!queued.created && !queued.changed && queued.job.state === 'done') {
          bar.done();
          process.stdout.write(`${code}#${alternative}: this version is already in Cetec (job ${queued.job.id}); \`shopwire replay ${queued.job.id}\` imports it again\n`);
          return;
        }
        // CableBuilder is owed the outcome (durably: a running hub's report pass delivers it if this process cannot).
        const reporter = wiring.reporter(hub.store);
        await reporter?.owe({ jobId: queued.job.id, profile }, `design pull of ${code}#${alternative}: the outcome goes to CableBuilder by Update Design`);
        if (queued.job.state === 'needs-attention' || queued.job.state === 'retrying') await hub.store.retryJob(queued.job.id);
        if (queued.job.state === 'cancelled') await hub.store.replayJob(queued.job.id);
        jobId = queued.job.id;
        bar.note('importing into Cetec');
        await hub.worker.runOnce();
        // A running hub on the same store may have claimed the job first: wait for its end.
        const job = await settled(hub.store, queued.job.id, reporter);
        bar.done();
        const translation = translationFromConfig(config);
        const part = toDesignPartRevision(topDesignOf(designs, translation), translation);
        if (options.json) {
          process.stdout.write(`${JSON.stringify({ job: job.id, state: job.state, prcpart: part.prcpart, revision: part.revision_text, error: job.lastError }, null, 2)}\n`);
        } else if (job.state === 'done') {
          const link = await reporter?.linkOf(job.id);
          const told = link?.status === 'told-done' ? 'written back to CableBuilder' : `not yet written back to CableBuilder (${link?.message ?? 'no write-back configured'}); the hub's report pass tries again`;
          process.stdout.write(`${code}#${alternative} → Cetec ${part.prcpart} revision ${part.revision_text} (job ${job.id}); ${told}\n`);
        } else {
          process.stdout.write(`${code}#${alternative}: job ${job.id} ${job.state}: ${job.lastError?.message ?? ''}\n`);
        }
        process.exitCode = job.state === 'done' ? 0 : 1;
      } finally {
        bar.done();
        await hub.close();
        await client.close();
      }
    });
}

/**
 * The job once it has ended (a running hub on the same store may have run it), after its outcome
 * reached CableBuilder or `reportWaitMs` passed; after `waitMs` whatever state it is in.
 */
async function settled(store: Store, jobId: string, reporter: DesignReporter | null, waitMs = 60_000, reportWaitMs = 10_000): Promise<JobRecord> {
  const deadline = Date.now() + waitMs;
  let endedAt: number | null = null;
  for (;;) {
    const job = (await store.getJob(jobId))!;
    const outcome = finalOutcome(job);
    if (outcome !== null) {
      endedAt ??= Date.now();
      const told = reporter === null || (await reporter.linkOf(jobId))?.status === `told-${outcome}`;
      if (told || Date.now() - endedAt > reportWaitMs) return job;
    }
    if (Date.now() > deadline) return job;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
