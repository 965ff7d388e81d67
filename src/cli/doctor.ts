/**
 * `shopwire doctor`: checks the config file and says what is missing. Exit 0 when everything it
 * checked is fine, 2 when something must be fixed. Never prints a secret's value.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { loadConfigOrNull, secretsFileWarnings, type Config } from '../config/load.ts';
import type { Profile } from '../config/schema.ts';
import { redactText } from '../lib/redact.ts';
import { createCetecClient } from '../systems/cetec/client.ts';
import { createPaperlessClient } from '../systems/paperless/client.ts';
import { OrderTranslationError } from '../translate/order-to-cetec/errors.ts';
import { toOrderPlan } from '../translate/order-to-cetec/plan.ts';

type Finding = { level: 'ok' | 'warn' | 'error'; text: string };

export function register(program: Command): void {
  program
    .command('doctor')
    .description('check the config file, secrets and mappings; say what is missing')
    .option('--json', 'print findings as JSON')
    .option('--orders <files...>', 'Paperless Parts order JSON files to check the mappings against (every profile)')
    .option('--online', 'also call Paperless Parts and Cetec once per profile to check URLs and tokens')
    .action(async (options: { json?: boolean; orders?: string[]; online?: boolean }, command: Command) => {
      const file = command.optsWithGlobals().config as string | undefined;
      const findings = diagnose(file);
      const config = findings.some((f) => f.level === 'error' && f.text.includes('config file')) ? null : safeLoad(file);
      if (config && options.orders) findings.push(...mappingFindings(config, options.orders));
      if (config && options.online) findings.push(...(await onlineFindings(config)));
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ findings }, null, 2)}\n`);
      } else {
        for (const f of findings) process.stdout.write(`${f.level === 'ok' ? 'ok  ' : f.level === 'warn' ? 'warn' : 'FAIL'}  ${f.text}\n`);
      }
      const errors = findings.filter((f) => f.level === 'error').length;
      if (!options.json) process.stdout.write(errors === 0 ? 'doctor: no problems found\n' : `doctor: ${errors} problem(s) to fix\n`);
      process.exitCode = errors === 0 ? 0 : 2;
    });
}

function safeLoad(file: string | undefined): Config | null {
  try {
    return loadConfigOrNull({ file });
  } catch {
    return null;
  }
}

/** Translates each sample order with each profile's mappings: what would need attention, what falls back. */
export function mappingFindings(config: Config, files: string[]): Finding[] {
  const out: Finding[] = [];
  for (const file of files) {
    let order: unknown;
    try {
      order = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      out.push({ level: 'error', text: `${file}: cannot read as JSON (${error instanceof Error ? error.message : String(error)})` });
      continue;
    }
    for (const profile of Object.values(config.profiles)) {
      try {
        const plan = toOrderPlan(order, profile.translation, { profile: profile.name });
        out.push({ level: 'ok', text: `${file}: profile ${profile.name}: translates into ${plan.steps.length} Cetec call(s)` });
        for (const w of plan.warnings) out.push({ level: 'warn', text: `${file}: profile ${profile.name}: ${w.message}` });
      } catch (error) {
        if (!(error instanceof OrderTranslationError)) throw error;
        for (const issue of error.issues) out.push({ level: 'error', text: `${file}: profile ${profile.name}: ${issue.path}: ${issue.message}` });
      }
    }
  }
  return out;
}

/** One harmless read per system and profile: is the URL right and the token accepted? */
async function onlineFindings(config: Config): Promise<Finding[]> {
  const out: Finding[] = [];
  for (const profile of Object.values(config.profiles)) {
    const at = `profiles.${profile.name}`;
    if (config.hasSecret(profile.paperless.tokenEnv)) {
      const client = createPaperlessClient({ baseUrl: profile.paperless.baseUrl, token: config.secret(profile.paperless.tokenEnv, `${at}.paperless.tokenEnv`), timeoutMs: 10_000, retry: { maxAttempts: 1 } });
      try {
        const numbers = await client.newOrderNumbers(Number.MAX_SAFE_INTEGER - 1);
        out.push({ level: 'ok', text: `${at}.paperless: ${profile.paperless.baseUrl} answered with the token (${numbers.length} order numbers above the probe)` });
      } catch (error) {
        out.push({ level: 'error', text: `${at}.paperless: ${redactText(error instanceof Error ? error.message : String(error))}` });
      } finally {
        await client.close();
      }
    }
    if (config.hasSecret(profile.cetec.tokenEnv)) {
      const client = createCetecClient({ baseUrl: profile.cetec.baseUrl, token: config.secret(profile.cetec.tokenEnv, `${at}.cetec.tokenEnv`), timeoutMs: 10_000, retry: { maxAttempts: 1 }, breaker: false });
      try {
        await client.getPart('SHOPWIRE DOCTOR PROBE');
        out.push({ level: 'ok', text: `${at}.cetec: ${profile.cetec.baseUrl} answered with the token` });
      } catch (error) {
        out.push({ level: 'error', text: `${at}.cetec: ${redactText(error instanceof Error ? error.message : String(error))}` });
      } finally {
        await client.close();
      }
    }
  }
  return out;
}

export function diagnose(file: string | undefined, env: NodeJS.ProcessEnv = process.env): Finding[] {
  const findings: Finding[] = [];
  let config: Config | null;
  try {
    config = loadConfigOrNull({ file, env });
  } catch (error) {
    return [{ level: 'error', text: error instanceof Error ? error.message : String(error) }];
  }
  if (config === null) {
    return [
      {
        level: 'error',
        text: 'no config file: pass --config <file>, set SHOPWIRE_CONFIG, or create ./shopwire.yaml (docs/configuration.md has an example)',
      },
    ];
  }
  findings.push({ level: 'ok', text: `config ${config.file} parsed: profiles ${Object.keys(config.profiles).join(', ')} (default ${config.defaultProfile})` });
  for (const warning of secretsFileWarnings) findings.push({ level: 'warn', text: warning });
  if ('postgres' in config.store) {
    findings.push(secretFinding(config, config.store.postgres.urlEnv, 'store.postgres.urlEnv'));
  } else {
    findings.push({ level: 'ok', text: `store: SQLite file ${config.store.sqlite}` });
  }
  for (const profile of Object.values(config.profiles)) findings.push(...profileFindings(config, profile));
  findings.push(...accessFindings(config));
  return findings;
}

function profileFindings(config: Config, profile: Profile): Finding[] {
  const at = `profiles.${profile.name}`;
  const out: Finding[] = [
    secretFinding(config, profile.paperless.tokenEnv, `${at}.paperless.tokenEnv`),
    secretFinding(config, profile.cetec.tokenEnv, `${at}.cetec.tokenEnv`),
  ];
  for (const [label, url] of [
    ['paperless.baseUrl', profile.paperless.baseUrl],
    ['cetec.baseUrl', profile.cetec.baseUrl],
  ] as const) {
    const loopback = /^http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?(\/|$)/i.test(url);
    if (url.startsWith('http://') && !loopback) {
      out.push({ level: 'error', text: `${at}.${label}: ${url} is plain http; tokens would cross the network unencrypted (use https)` });
    }
  }
  if (profile.discovery.integrationActions && profile.paperless.integrationUuid === undefined) {
    out.push({
      level: 'warn',
      text: `${at}: discovery.integrationActions is on but paperless.integrationUuid is not set: integration actions and heartbeats are off`,
    });
  }
  if (profile.paperless.webhook) {
    out.push(secretFinding(config, profile.paperless.webhook.secretEnv, `${at}.paperless.webhook.secretEnv`));
  }
  if (profile.cetec.duplicateExternalKey === 'unknown' && !profile.cetec.orderLookup) {
    out.push({
      level: 'warn',
      text: `${at}.cetec: duplicateExternalKey is 'unknown' and orderLookup is off: an import whose answer is lost will need a person to check Cetec (docs/engine.md)`,
    });
  }
  return out;
}

/** Dashboard users and tokens, and the CableBuilder receiver's and client's credentials. */
function accessFindings(config: Config): Finding[] {
  const out: Finding[] = [];
  const dashboard = config.dashboard;
  if (dashboard.users.length === 0 && dashboard.apiTokenEnv === undefined) {
    out.push({ level: 'warn', text: 'dashboard: no users and no apiTokenEnv: the dashboard and JSON API refuse everyone (docs/dashboard.md)' });
  }
  dashboard.users.forEach((user, i) => {
    if (user.passwordHashEnv) out.push(secretFinding(config, user.passwordHashEnv, `dashboard.users.${i}.passwordHashEnv`));
  });
  if (dashboard.apiTokenEnv) out.push(secretFinding(config, dashboard.apiTokenEnv, 'dashboard.apiTokenEnv'));
  const cb = config.cablebuilder;
  if (cb?.receiver?.auth.mode === 'shared-secret') out.push(secretFinding(config, cb.receiver.auth.secretEnv, 'cablebuilder.receiver.auth.secretEnv'));
  if (cb?.receiver?.auth.mode === 'basic') out.push(secretFinding(config, cb.receiver.auth.passwordEnv, 'cablebuilder.receiver.auth.passwordEnv'));
  if (cb?.receiver?.auth.mode === 'none-explicit') out.push({ level: 'warn', text: 'cablebuilder.receiver.auth: anonymous Send Design requests are accepted (none-explicit)' });
  if (cb?.client?.auth?.kind === 'basic') out.push(secretFinding(config, cb.client.auth.passwordEnv, 'cablebuilder.client.auth.passwordEnv'));
  if (cb?.client?.auth?.kind === 'header') out.push(secretFinding(config, cb.client.auth.valueEnv, 'cablebuilder.client.auth.valueEnv'));
  if (cb && !((cb.profile ?? config.defaultProfile) in config.profiles)) {
    out.push({ level: 'error', text: `cablebuilder.profile: no profile named ${JSON.stringify(cb.profile)}` });
  }
  return out;
}

function secretFinding(config: Config, name: string, usedAt: string): Finding {
  return config.hasSecret(name)
    ? { level: 'ok', text: `${usedAt}: secret ${name} is set` }
    : {
        level: 'error',
        text: `${usedAt}: secret ${name} is not set (export ${name}=… or add it to ${config.secretsFile ?? 'a secrets file'})`,
      };
}
