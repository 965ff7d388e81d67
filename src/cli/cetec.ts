/**
 * `shopwire cetec selftest [--profile p]`: establishes what the profile's Cetec tenant does
 * (src/systems/cetec/selftest.ts) and records it in the store, where the engine reads it. Reads
 * only, except on a profile marked `cetec.sandbox: true`, where one marked test order is imported
 * twice. Exit 0 when it ran (whatever it found), 2 when it could not run.
 */
import type { Command } from 'commander';
import { parseTenantFacts } from '../engine/cetec-tenant.ts';
import type { CetecTenantFacts } from '../engine/cetec-tenant.ts';
import { importOutcomeSchema } from '../engine/stored-state.ts';
import { ShopwireError } from '../lib/errors.ts';
import type { Profile } from '../config/schema.ts';
import type { Config } from '../config/load.ts';
import type { Store } from '../store/store.ts';
import { createCetecClient } from '../systems/cetec/client.ts';
import { mergeFacts, runCetecSelftest } from '../engine/cetec-selftest.ts';
import type { KnownOrder, SelftestReport } from '../engine/cetec-selftest.ts';
import { openConfiguredStore } from './open-store.ts';
import { commandConfig, isoOrNull, printJson } from './context.ts';
import { withProgress } from './terminal.ts';

export function register(program: Command): void {
  const cetec = program.command('cetec').description('Cetec tenant checks');
  cetec
    .command('selftest')
    .description('establish what the Cetec tenant does (order lookup; on a sandbox profile, a reused external key) and record it')
    .option('-p, --profile <name>', 'profile (default: the default profile)')
    .option('--json', 'print the findings as JSON')
    .action(async (options: { profile?: string; json?: boolean }, command: Command) => {
      const config = commandConfig(command);
      const name = options.profile ?? config.defaultProfile;
      const profile = config.profiles[name];
      if (profile === undefined) throw new ShopwireError(`cetec selftest: no profile named ${JSON.stringify(name)}`, { code: 'cli.usage', kind: 'data' });
      const store = await openConfiguredStore(config);
      try {
        const { report, facts } = await withProgress('cetec selftest', { quiet: options.json === true }, async (bar) => {
          bar.note(`asking the Cetec tenant of ${name} (order lookup${profile.cetec.sandbox ? ', a reused external key' : ''})`);
          return selftestProfile(config, profile, store);
        });
        if (options.json) printJson({ profile: name, report, established: facts });
        else process.stdout.write(describeSelftest(name, report, facts));
      } finally {
        await store.close();
      }
    });
}

/** The latest order the hub exported for this profile whose import numbers it knows. */
export async function knownOrder(store: Store, profile: string): Promise<KnownOrder | null> {
  const { jobs } = await store.listJobs({ state: 'done', profile, flow: 'order-export', limit: 50, offset: 0 });
  for (const job of jobs) {
    const imports = (job.result as { imports?: unknown } | null)?.imports;
    if (!Array.isArray(imports)) continue;
    for (const i of imports) {
      const parsed = importOutcomeSchema.safeParse(i);
      if (parsed.success && parsed.data.numbersKnown && parsed.data.externalKeys.length === 1 && parsed.data.orders.length + parsed.data.quotes.length > 0) {
        return { externalKey: parsed.data.externalKeys[0]!, quote: parsed.data.quotes[0] ?? null, order: parsed.data.orders[0] ?? null };
      }
    }
  }
  return null;
}

/** Runs the self-test for one profile and records what it established. */
export async function selftestProfile(config: Config, profile: Profile, store: Store): Promise<{ report: SelftestReport; facts: CetecTenantFacts }> {
  const client = createCetecClient({
    baseUrl: profile.cetec.baseUrl,
    token: config.secret(profile.cetec.tokenEnv, `profiles.${profile.name}.cetec.tokenEnv`),
    timeoutMs: Math.min(profile.cetec.timeoutMs, 30_000),
    importSourceName: profile.cetec.importSourceName,
    retry: { maxAttempts: 2 },
    breaker: false,
  });
  try {
    const so = profile.translation.salesOrder;
    const report = await runCetecSelftest({
      client,
      profile: profile.name,
      sandbox: profile.cetec.sandbox,
      known: await knownOrder(store, profile.name),
      testOrder: { location: so.location, internalCustomerId: so.internalCustomerId, internalVendorId: so.internalVendorId, partPrefix: so.addOns.partPrefix },
    });
    const previous = parseTenantFacts((await store.getTenantFacts(profile.name, 'cetec'))?.facts);
    const facts = mergeFacts(previous, report);
    await store.saveTenantFacts(profile.name, 'cetec', facts);
    return { report, facts };
  } finally {
    await client.close();
  }
}

/** One line per established behaviour, for doctor, the selftest and people. */
export function describeTenantFacts(facts: CetecTenantFacts): string[] {
  const lookup = facts.orderLookup;
  const reused = facts.reusedKey;
  return [
    lookup === null
      ? 'order lookup by external key: not checked yet (unproven: never used)'
      : `order lookup by external key: ${lookup.established ? 'established' : 'NOT established (not used)'} ${isoOrNull(lookup.at)}: ${lookup.detail}`,
    reused === null
      ? 'reused external key: not established (an import whose answer is lost is never sent again; run the self-test on a sandbox profile)'
      : `reused external key: ${reused.behaviour} (${isoOrNull(reused.at)}): ${reused.detail}`,
  ];
}

function describeSelftest(name: string, report: SelftestReport, facts: CetecTenantFacts): string {
  const out = [`cetec selftest, profile ${name}:`];
  for (const note of report.notes) out.push(`  note: ${note}`);
  for (const t of report.testOrders) {
    out.push(`  test order left in the sandbox: external key ${t.externalKey}, quote ${t.quotes.join(',') || '-'}, order ${t.orders.join(',') || '-'} (delete it in Cetec)`);
  }
  out.push('  established now:');
  for (const line of describeTenantFacts(facts)) out.push(`    ${line}`);
  return `${out.join('\n')}\n`;
}
