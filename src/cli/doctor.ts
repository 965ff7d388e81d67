/**
 * `shopwire doctor`: checks the config file and says what is missing. Exit 0 when everything it
 * checked is fine, 2 when something must be fixed. Never prints a secret's value.
 */
import type { Command } from 'commander';
import { loadConfigOrNull, secretsFileWarnings, type Config } from '../config/load.ts';
import type { Profile } from '../config/schema.ts';

type Finding = { level: 'ok' | 'warn' | 'error'; text: string };

export function register(program: Command): void {
  program
    .command('doctor')
    .description('check the config file, secrets and mappings; say what is missing')
    .option('--json', 'print findings as JSON')
    .action((options: { json?: boolean }, command: Command) => {
      const findings = diagnose(command.optsWithGlobals().config as string | undefined);
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

function secretFinding(config: Config, name: string, usedAt: string): Finding {
  return config.hasSecret(name)
    ? { level: 'ok', text: `${usedAt}: secret ${name} is set` }
    : {
        level: 'error',
        text: `${usedAt}: secret ${name} is not set (export ${name}=… or add it to ${config.secretsFile ?? 'a secrets file'})`,
      };
}
