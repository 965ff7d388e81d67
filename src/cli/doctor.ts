/**
 * `shopwire doctor`: checks the config file and says what is missing, every problem in one run.
 * Exit 0 when nothing must be fixed, 2 when something must. Never prints a secret's value.
 *
 * The checks, in the order they print: the file itself (syntax, keys, values: each problem on its
 * own line), files it names, secrets, URLs and integration settings per profile, profiles that
 * would step on each other, mapping tables (which built-in defaults are in force), dashboard and
 * CableBuilder access; then, when asked, sample orders (`--orders`) and one harmless call per
 * system (`--online`). Each check is a small function returning findings.
 */
import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { readInputFile } from './context.ts';
import { checkConfigFile, secretsFileWarnings, type Config } from '../config/load.ts';
import type { Profile } from '../config/schema.ts';
import { discoveryTiming } from '../config/schedule.ts';
import { nextTickAfter } from '../engine/scheduler.ts';
import { redactText } from '../lib/redact.ts';
import { createPaperlessClient } from '../systems/paperless/client.ts';
import { tableOrigin } from '../translate/mapping-table.ts';
import { cetecOnlineFindings, cetecTenantFindings } from './doctor-cetec.ts';
import { OrderTranslationError } from '../translate/order-to-cetec/errors.ts';
import { DEFAULT_OPERATIONS, DEFAULT_PAYMENT_TERMS, DEFAULT_SHIP_VIA } from '../translate/order-to-cetec/options.ts';
import { toOrderPlan } from '../translate/order-to-cetec/plan.ts';
import { unmappedIn, yamlToAdd, type UnmappedKind } from '../translate/unmapped.ts';
import { paint, progress, withProgress } from './terminal.ts';

export type Finding = {
  level: 'ok' | 'warn' | 'error';
  /** Which check found it: config, files, secrets, urls, profiles, mappings, access, orders, online. */
  check: string;
  text: string;
};

/** One unmapped value across the sample orders: how often, which orders it blocks, the YAML that maps it. */
export type UnmappedGroup = { profile: string; kind: UnmappedKind; value: string; count: number; orders: string[]; yaml: string | null };

export type DoctorReport = { problems: number; warnings: number; findings: Finding[]; unmapped: UnmappedGroup[] };

export function register(program: Command): void {
  program
    .command('doctor')
    .description('check the config file, secrets and mappings; say what is missing (every problem in one run)')
    .option('--json', 'print the report as JSON on stdout')
    .option('--orders <files...>', 'Paperless Parts order JSON files to check the mappings against (every profile)')
    .option('--online', 'also call Paperless Parts and Cetec once per profile to check URLs and tokens')
    .action(async (options: { json?: boolean; orders?: string[]; online?: boolean }, command: Command) => {
      const file = command.optsWithGlobals().config as string | undefined;
      const report = await runDoctor({ file, orders: options.orders, online: options.online, quiet: options.json === true });
      if (options.json) {
        process.stdout.write(`${redactText(JSON.stringify(report, null, 2))}\n`);
      } else {
        const out = process.stdout;
        for (const f of report.findings) {
          const label = f.level === 'ok' ? paint(out, 'green', 'ok  ') : f.level === 'warn' ? paint(out, 'yellow', 'warn') : paint(out, 'red', 'FAIL');
          out.write(`${label}  ${redactText(f.text).replace(/\n/g, '\n      ')}\n`);
        }
        for (const g of report.unmapped) {
          out.write(`\n${g.kind} ${JSON.stringify(g.value)} (profile ${g.profile}): ${g.count} time(s), blocks ${g.orders.join(', ')}\n`);
          if (g.yaml) out.write(`  add to the config file:\n${g.yaml.replace(/^/gm, '    ')}\n`);
        }
        out.write(
          report.problems === 0
            ? `doctor: no problems found${report.warnings ? `, ${report.warnings} warning(s)` : ''}\n`
            : `doctor: ${report.problems} problem(s) to fix${report.warnings ? `, ${report.warnings} warning(s)` : ''}\n`,
        );
      }
      process.exitCode = report.problems === 0 ? 0 : 2;
    });
}

export type DoctorOptions = { file?: string | undefined; env?: NodeJS.ProcessEnv; orders?: string[] | undefined; online?: boolean | undefined; quiet?: boolean };

/** Every check, in one run. */
export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const { findings, config } = diagnoseWithConfig(options.file, options.env ?? process.env);
  const unmapped: UnmappedGroup[] = [];
  if (config && options.orders) {
    const result = orderFindings(config, options.orders, options.quiet === true);
    findings.push(...result.findings);
    unmapped.push(...result.unmapped);
  }
  if (config && options.online) findings.push(...(await onlineFindings(config, 'doctor --online', options.quiet === true)));
  if (config) findings.push(...(await cetecTenantFindings(config)));
  return {
    problems: findings.filter((f) => f.level === 'error').length,
    warnings: findings.filter((f) => f.level === 'warn').length,
    findings,
    unmapped,
  };
}

/** The checks that need no network and no sample data. */
export function diagnose(file: string | undefined, env: NodeJS.ProcessEnv = process.env): Finding[] {
  return diagnoseWithConfig(file, env).findings;
}

function diagnoseWithConfig(file: string | undefined, env: NodeJS.ProcessEnv): { findings: Finding[]; config: Config | null } {
  secretsFileWarnings.clear();
  const check = checkConfigFile({ file, env });
  if (check === null) {
    return {
      config: null,
      findings: [{ level: 'error', check: 'config', text: 'no config file: pass --config <file>, set SHOPWIRE_CONFIG, or create ./shopwire.yaml (docs/configuration.md has an example)' }],
    };
  }
  const { config, problems } = check;
  const findings: Finding[] = problems.map((text) => ({ level: 'error' as const, check: 'config', text }));
  if (config === null) return { findings, config };
  if (problems.length === 0) {
    findings.unshift({ level: 'ok', check: 'config', text: `config ${config.file} parsed: profiles ${Object.keys(config.profiles).join(', ')} (default ${config.defaultProfile})` });
  } else {
    findings.push({ level: 'warn', check: 'config', text: `the checks below cover what is valid: profiles ${Object.keys(config.profiles).join(', ')}` });
  }
  for (const warning of secretsFileWarnings) findings.push({ level: 'warn', check: 'files', text: warning });
  findings.push(...storeFindings(config));
  for (const profile of Object.values(config.profiles)) {
    findings.push(...profileSecretFindings(config, profile), ...urlFindings(profile), ...integrationFindings(profile), scheduleFinding(profile), ...mappingDefaultsFindings(profile));
  }
  findings.push(...sharedIntegrationFindings(config));
  findings.push(...accessFindings(config));
  return { findings, config };
}

function storeFindings(config: Config): Finding[] {
  if ('postgres' in config.store) return [secretFinding(config, config.store.postgres.urlEnv, 'store.postgres.urlEnv')];
  const file = path.resolve(path.dirname(config.file ?? '.'), config.store.sqlite);
  // The store makes its folder when missing; the nearest existing folder must be writable.
  let dir = path.dirname(file);
  while (!existsSync(dir) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  try {
    accessSync(existsSync(file) ? file : dir, constants.W_OK);
    return [{ level: 'ok', check: 'files', text: `store: SQLite file ${file}${existsSync(file) ? '' : ' (made on first start)'}` }];
  } catch {
    return [{ level: 'error', check: 'files', text: `store.sqlite: ${file}: cannot be written by this user` }];
  }
}

/** When the profile's discovery runs, and (cron) its next two times. A bad expression is a config error above. */
export function scheduleFinding(profile: Profile, now: number = Date.now()): Finding {
  const at = `profiles.${profile.name}.schedule`;
  const timing = discoveryTiming(profile);
  if (timing.cron === undefined) return { level: 'ok', check: 'schedule', text: `${at}: discovery every ${profile.schedule.everyMinutes} minute(s), and at start` };
  const first = nextTickAfter(timing, now);
  const second = first === null ? null : nextTickAfter(timing, first);
  const when = [first, second].filter((t): t is number => t !== null).map((t) => new Date(t).toISOString()).join(', ');
  return { level: 'ok', check: 'schedule', text: `${at}: discovery at cron "${timing.cron.expression}"${timing.cron.timezone ? ` (${timing.cron.timezone})` : ''}: next ${when}` };
}

function profileSecretFindings(config: Config, profile: Profile): Finding[] {
  const at = `profiles.${profile.name}`;
  const out = [secretFinding(config, profile.paperless.tokenEnv, `${at}.paperless.tokenEnv`), secretFinding(config, profile.cetec.tokenEnv, `${at}.cetec.tokenEnv`)];
  if (profile.paperless.webhook) out.push(secretFinding(config, profile.paperless.webhook.secretEnv, `${at}.paperless.webhook.secretEnv`));
  return out;
}

/** https only (loopback excepted), and base URLs without the path segments the clients add themselves. */
export function urlFindings(profile: Profile): Finding[] {
  const at = `profiles.${profile.name}`;
  const out: Finding[] = [];
  for (const [label, url] of [
    ['paperless.baseUrl', profile.paperless.baseUrl],
    ['cetec.baseUrl', profile.cetec.baseUrl],
  ] as const) {
    const loopback = /^http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?(\/|$)/i.test(url);
    if (url.startsWith('http://') && !loopback) {
      out.push({ level: 'error', check: 'urls', text: `${at}.${label}: ${url} is plain http; tokens would cross the network unencrypted (use https)` });
    }
  }
  const paperlessPath = new URL(profile.paperless.baseUrl).pathname.replace(/\/+$/, '');
  if (/(^|\/)v\d+(\/|$)/i.test(paperlessPath) || /\/(orders|quotes)(\/|$)/.test(paperlessPath)) {
    out.push({
      level: 'error',
      check: 'urls',
      text: `${at}.paperless.baseUrl: ${profile.paperless.baseUrl} has a version or API path (${paperlessPath}); give the host only, e.g. https://api.paperlessparts.com: shopwire adds the paths and version itself`,
    });
  }
  const cetecPath = new URL(profile.cetec.baseUrl).pathname.replace(/\/+$/, '');
  if (/\/(api|importjson)$/i.test(cetecPath)) {
    out.push({
      level: 'error',
      check: 'urls',
      text: `${at}.cetec.baseUrl: ${profile.cetec.baseUrl} ends in ${cetecPath.slice(cetecPath.lastIndexOf('/'))}; give the tenant URL only, e.g. https://acme.cetecerp.com: shopwire adds /api/… and /importjson/… itself`,
    });
  }
  return out;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Managed integration: a real uuid when set; integration actions need it; lost-answer handling. */
export function integrationFindings(profile: Profile): Finding[] {
  const at = `profiles.${profile.name}`;
  const out: Finding[] = [];
  const uuid = profile.paperless.integrationUuid;
  if (uuid !== undefined && (!UUID.test(uuid) || /^0{8}-/.test(uuid))) {
    const placeholder = /…|\.\.\.|[<>{}]|x{4}|changeme|your|todo|example/i.test(uuid) || /^0{8}-/.test(uuid);
    out.push({
      level: 'error',
      check: 'profiles',
      text: `${at}.paperless.integrationUuid: ${JSON.stringify(uuid)} ${placeholder ? 'is a placeholder' : 'is not a uuid'}: give the managed integration's uuid (36 characters, e.g. 0b7e3a52-9c4d-4f1e-8a6b-2d5c9e1f7a30), or remove the key to run without integration actions and heartbeats`,
    });
  }
  if (profile.discovery.integrationActions && uuid === undefined) {
    out.push({ level: 'warn', check: 'profiles', text: `${at}: discovery.integrationActions is on but paperless.integrationUuid is not set: integration actions and heartbeats are off` });
  }
  return out;
}

/**
 * Two profiles that discover from one Paperless Parts account (same URL and token) with the same
 * integration would each poll for new orders and send heartbeats: every order would be exported
 * twice, once into each Cetec tenant, and the integration would see two hubs.
 */
export function sharedIntegrationFindings(config: Config): Finding[] {
  const out: Finding[] = [];
  const discovering = Object.values(config.profiles).filter((p) => p.discovery.newOrders || (p.discovery.integrationActions && p.paperless.integrationUuid !== undefined));
  const tokenOf = (p: Profile): string => (config.hasSecret(p.paperless.tokenEnv) ? `value:${config.secret(p.paperless.tokenEnv, `profiles.${p.name}.paperless.tokenEnv`)}` : `name:${p.paperless.tokenEnv}`);
  for (let i = 0; i < discovering.length; i++) {
    for (let j = i + 1; j < discovering.length; j++) {
      const [a, b] = [discovering[i]!, discovering[j]!];
      if (a.paperless.baseUrl !== b.paperless.baseUrl || tokenOf(a) !== tokenOf(b) || a.paperless.integrationUuid !== b.paperless.integrationUuid) continue;
      out.push({
        level: 'error',
        check: 'profiles',
        text: `profiles ${a.name} and ${b.name} share one Paperless Parts token${a.paperless.integrationUuid ? ' and integration' : ''}: both would poll for new orders${a.paperless.integrationUuid ? ' and send heartbeats' : ''}, so every order would be exported by both; turn discovery off in one (discovery: { newOrders: false, integrationActions: false }) and export to it with \`shopwire order N --profile ${b.name}\``,
      });
    }
  }
  return out;
}

const TABLES = [
  { key: 'translation.routing.operations', pick: (p: Profile) => p.translation.routing.operations, defaults: DEFAULT_OPERATIONS },
  { key: 'translation.salesOrder.shipVia', pick: (p: Profile) => p.translation.salesOrder.shipVia, defaults: DEFAULT_SHIP_VIA },
  { key: 'translation.salesOrder.paymentTerms', pick: (p: Profile) => p.translation.salesOrder.paymentTerms, defaults: DEFAULT_PAYMENT_TERMS },
  { key: 'translation.rawMaterial.parts', pick: (p: Profile) => p.translation.rawMaterial.parts, defaults: {} },
];

/** For each mapping table: how many built-in entries are in force, and what the operator added, changed or removed. */
export function mappingDefaultsFindings(profile: Profile): Finding[] {
  return TABLES.map(({ key, pick, defaults }) => {
    const table = pick(profile);
    const o = tableOrigin(table, defaults);
    const list = (names: string[]): string => names.slice(0, 5).map((n) => JSON.stringify(n)).join(', ') + (names.length > 5 ? `, … (${names.length})` : '');
    const parts = [
      o.defaults > 0 ? `${o.defaultsInForce} of ${o.defaults} built-in entries in force` : 'no built-in entries',
      o.added.length ? `added ${list(o.added)}` : '',
      o.overridden.length ? `changed ${list(o.overridden)}` : '',
      o.removed.length ? `${o.defaults > 0 && o.defaultsInForce === 0 && o.removed.length === o.defaults ? 'replaced the whole table' : `removed ${list(o.removed)}`}` : '',
    ].filter(Boolean);
    return { level: 'ok' as const, check: 'mappings', text: `profiles.${profile.name}.${key}: ${Object.keys(table).length} entries: ${parts.join('; ')}` };
  });
}

/** Dashboard users and tokens, and the CableBuilder receiver's and client's credentials. */
function accessFindings(config: Config): Finding[] {
  const out: Finding[] = [];
  const dashboard = config.dashboard;
  if (dashboard.users.length === 0 && dashboard.apiTokenEnv === undefined) {
    out.push({ level: 'warn', check: 'access', text: 'dashboard: no users and no apiTokenEnv: the dashboard and JSON API refuse everyone (docs/dashboard.md; `shopwire hash-password` makes a password hash)' });
  }
  dashboard.users.forEach((user, i) => {
    if (user.passwordHashEnv) out.push(secretFinding(config, user.passwordHashEnv, `dashboard.users.${i}.passwordHashEnv`));
  });
  if (dashboard.apiTokenEnv) out.push(secretFinding(config, dashboard.apiTokenEnv, 'dashboard.apiTokenEnv'));
  const cb = config.cablebuilder;
  if (cb?.receiver?.auth.mode === 'shared-secret') out.push(secretFinding(config, cb.receiver.auth.secretEnv, 'cablebuilder.receiver.auth.secretEnv'));
  if (cb?.receiver?.auth.mode === 'basic') out.push(secretFinding(config, cb.receiver.auth.passwordEnv, 'cablebuilder.receiver.auth.passwordEnv'));
  if (cb?.receiver?.auth.mode === 'none-explicit') out.push({ level: 'warn', check: 'access', text: 'cablebuilder.receiver.auth: anonymous Send Design requests are accepted (none-explicit)' });
  if (cb?.client?.auth?.kind === 'basic') out.push(secretFinding(config, cb.client.auth.passwordEnv, 'cablebuilder.client.auth.passwordEnv'));
  if (cb?.client?.auth?.kind === 'header') out.push(secretFinding(config, cb.client.auth.valueEnv, 'cablebuilder.client.auth.valueEnv'));
  if (cb && !((cb.profile ?? config.defaultProfile) in config.profiles)) {
    out.push({ level: 'error', check: 'access', text: `cablebuilder.profile: no profile named ${JSON.stringify(cb.profile)}` });
  }
  return out;
}

function secretFinding(config: Config, name: string, usedAt: string): Finding {
  return config.hasSecret(name)
    ? { level: 'ok', check: 'secrets', text: `${usedAt}: secret ${name} is set` }
    : { level: 'error', check: 'secrets', text: `${usedAt}: secret ${name} is not set (export ${name}=… or add it to ${config.secretsFile ?? 'a secrets file'})` };
}

/**
 * Translates each sample order with each profile's mappings. Problems are grouped by unmapped
 * value (one finding per value and profile, with how many times it occurs and the orders it
 * blocks, and the YAML that maps it); other problems and warnings are listed per order.
 */
export function orderFindings(config: Config, files: string[], quiet = false): { findings: Finding[]; unmapped: UnmappedGroup[] } {
  const findings: Finding[] = [];
  const groups = new Map<string, UnmappedGroup>();
  const bar = progress('doctor --orders', { total: files.length, quiet });
  files.forEach((file, index) => {
    bar.tick(index);
    let order: unknown;
    try {
      order = JSON.parse(readInputFile(file));
    } catch (error) {
      findings.push({ level: 'error', check: 'orders', text: `${file}: cannot read as JSON (${error instanceof Error ? error.message : String(error)})` });
      return;
    }
    const number = (order as { number?: unknown } | null)?.number;
    const name = typeof number === 'number' ? `order ${number}` : file;
    for (const profile of Object.values(config.profiles)) {
      try {
        const plan = toOrderPlan(order, profile.translation, { profile: profile.name });
        findings.push({ level: 'ok', check: 'orders', text: `${file}: profile ${profile.name}: translates into ${plan.steps.length} Cetec call(s)` });
        for (const w of plan.warnings) findings.push({ level: 'warn', check: 'orders', text: `${file}: profile ${profile.name}: ${w.message}` });
      } catch (error) {
        if (!(error instanceof OrderTranslationError)) throw error;
        for (const issue of error.issues) {
          const values = unmappedIn(issue.message);
          if (values.length === 0) {
            findings.push({ level: 'error', check: 'orders', text: `${file}: profile ${profile.name}: ${issue.path}: ${issue.message}` });
            continue;
          }
          for (const { kind, value } of values) {
            const key = `${profile.name}\u0000${kind}\u0000${value}`;
            const group = groups.get(key) ?? { profile: profile.name, kind, value, count: 0, orders: [], yaml: yamlToAdd(kind, value, profile.name) };
            group.count++;
            if (!group.orders.includes(name)) group.orders.push(name);
            groups.set(key, group);
          }
        }
      }
    }
  });
  bar.done();
  const unmapped = [...groups.values()].sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
  for (const g of unmapped) {
    findings.push({
      level: 'error',
      check: 'mappings',
      text: `profile ${g.profile}: ${g.kind} ${JSON.stringify(g.value)} is not mapped: ${g.count} time(s) in ${g.orders.length} order(s) (${g.orders.slice(0, 10).join(', ')}${g.orders.length > 10 ? ', …' : ''})`,
    });
  }
  return { findings, unmapped };
}

/**
 * One harmless read per system and profile: is the URL right and the token accepted? With a
 * progress line (`label`) on a terminal unless quiet; `status --check` asks the same.
 */
export async function onlineFindings(config: Config, label: string, quiet: boolean): Promise<Finding[]> {
  const out: Finding[] = [];
  const profiles = Object.values(config.profiles);
  await withProgress(label, { total: profiles.length * 2, quiet }, async (bar) => {
    let step = 0;
    for (const profile of profiles) {
      bar.tick(step++, `asking Paperless Parts (${profile.name})`);
      out.push(...(await paperlessOnline(config, profile)));
      bar.tick(step++, `asking Cetec (${profile.name})`);
      // Tells a wrong base URL, a wrong token and a working tenant apart (doctor-cetec.ts).
      out.push(...(await cetecOnlineFindings(config, profile)));
    }
  });
  return out;
}

async function paperlessOnline(config: Config, profile: Profile): Promise<Finding[]> {
  const at = `profiles.${profile.name}`;
  if (!config.hasSecret(profile.paperless.tokenEnv)) return [];
  const client = createPaperlessClient({ baseUrl: profile.paperless.baseUrl, token: config.secret(profile.paperless.tokenEnv, `${at}.paperless.tokenEnv`), timeoutMs: 10_000, retry: { maxAttempts: 1 } });
  try {
    const numbers = await client.newOrderNumbers(Number.MAX_SAFE_INTEGER - 1);
    return [{ level: 'ok', check: 'online', text: `${at}.paperless: ${profile.paperless.baseUrl} answered with the token (${numbers.length} order numbers above the probe)` }];
  } catch (error) {
    return [{ level: 'error', check: 'online', text: `${at}.paperless: ${redactText(error instanceof Error ? error.message : String(error))}` }];
  } finally {
    await client.close();
  }
}
