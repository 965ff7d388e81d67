/**
 * Loading the config: YAML file → `extends` resolved per profile → validated with zod → a typed
 * `Config`. Secrets are read only from the environment or the secrets file, on demand
 * (`config.secret(name)`), and registered for redaction as they are read. Every error names the
 * file, the key path and the bad value.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { registerSecret } from '../lib/redact.ts';
import { isReplaceForm } from '../translate/mapping-table.ts';
import { ConfigError } from './errors.ts';
import type { CableBuilderSettings } from './cablebuilder.ts';
import { fileSchema, profileSchema, type DashboardSettings, type Profile, type ServerSettings, type StoreSettings, type WorkerSettings, type RetentionSettings } from './schema.ts';

export type Config = {
  /** Absolute path of the file read, or null for the built-in example configuration. */
  file: string | null;
  defaultProfile: string;
  profiles: Record<string, Profile>;
  store: StoreSettings;
  server: ServerSettings;
  worker: WorkerSettings;
  retention: RetentionSettings;
  dashboard: DashboardSettings;
  cablebuilder: CableBuilderSettings | undefined;
  secretsFile: string | null;
  /** The value of a secret by name; throws a ConfigError naming `usedAt` when it is not set. */
  secret(name: string, usedAt: string): string;
  /** Whether a secret is set, without reading it into output. */
  hasSecret(name: string): boolean;
};

export type LoadOptions = {
  /** Explicit --config path. */
  file?: string | undefined;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
};

const SECRET_KEY_IN_FILE = /(^|[_-])(token|password|secret|apikey|api_key)$/i;

/** The file that would be read: --config, then $SHOPWIRE_CONFIG, then ./shopwire.yaml if present. */
export function configPath(options: LoadOptions): string | null {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const explicit = options.file ?? env.SHOPWIRE_CONFIG;
  if (explicit) return path.resolve(cwd, explicit);
  const fallback = path.resolve(cwd, 'shopwire.yaml');
  return existsSync(fallback) ? fallback : null;
}

/** Loads the config file, or returns null when there is none (callers then use built-in examples). */
export function loadConfigOrNull(options: LoadOptions = {}): Config | null {
  const file = configPath(options);
  if (file === null) return null;
  if (!existsSync(file)) throw new ConfigError(`${file}: config file not found`);
  const text = readFileSync(file, 'utf8');
  return parseConfig(text, file, options.env ?? process.env);
}

export function loadConfig(options: LoadOptions = {}): Config {
  const config = loadConfigOrNull(options);
  if (config === null) {
    throw new ConfigError(
      'no config file: pass --config <file>, set SHOPWIRE_CONFIG, or create ./shopwire.yaml (see docs/configuration.md)',
    );
  }
  return config;
}

/** Parses config text. `file` is used in messages and to resolve the secrets file. Throws every problem at once. */
export function parseConfig(text: string, file: string, env: NodeJS.ProcessEnv = process.env): Config {
  const { config, problems } = checkConfigText(text, file, env);
  if (problems.length > 0 || config === null) throw new ConfigError(problems.join('\n'), { issues: problems });
  return config;
}

/** What `doctor` needs: every problem of the file, one per line, and the config of what is valid. */
export type ConfigCheck = {
  /** The configuration with the profiles and sections that are valid (defaults for the others); null when nothing usable was read. */
  config: Config | null;
  /** Each problem on its own (file, key path, value), in file order as far as known. */
  problems: string[];
};

/** Like `loadConfigOrNull`, but gathers every problem instead of stopping at the first. */
export function checkConfigFile(options: LoadOptions = {}): ConfigCheck | null {
  const file = configPath(options);
  if (file === null) return null;
  if (!existsSync(file)) return { config: null, problems: [`${file}: config file not found`] };
  return checkConfigText(readFileSync(file, 'utf8'), file, options.env ?? process.env);
}

export function checkConfigText(text: string, file: string, env: NodeJS.ProcessEnv = process.env): ConfigCheck {
  const problems: string[] = [];
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    if (error instanceof YAMLParseError) return { config: null, problems: [yamlErrorMessage(error, file, text)] };
    throw error;
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { config: null, problems: [`${file}: the top level must be a mapping with a 'profiles' key`] };
  }
  const body = structuredClone(raw) as Record<string, unknown>;
  // Reported once as a secret in the file, not a second time as an unknown key.
  problems.push(...takeInlineSecrets(body, file, []));

  // Each top-level section on its own, so that one bad section does not hide the others' problems.
  const shape = fileSchema.shape;
  const unknown = Object.keys(body).filter((key) => !(key in shape));
  if (unknown.length > 0) problems.push(`${file}: (top level): unknown key${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => JSON.stringify(k)).join(', ')}`);
  const parsed: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(shape) as [keyof typeof shape, z.ZodType][]) {
    const result = schema.safeParse(body[key], { reportInput: true });
    if (result.success) parsed[key] = result.data;
    else {
      problems.push(...zodIssueLines(result.error, file, [key]));
      const fallback = schema.safeParse(undefined);
      parsed[key] = fallback.success ? fallback.data : undefined;
    }
  }
  const top = parsed as z.output<typeof fileSchema>;
  if (top.profiles === undefined) return { config: null, problems };

  const names = Object.keys(top.profiles);
  if (names.length === 0) problems.push(`${file}: profiles: at least one profile is required`);
  const profiles: Record<string, Profile> = {};
  for (const name of names) {
    let merged: Record<string, unknown>;
    try {
      merged = resolveExtends(top.profiles, name, file);
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error));
      continue;
    }
    const result = profileSchema.safeParse(merged, { reportInput: true });
    if (!result.success) {
      // A problem inherited through `extends` is reported once, at the profile that has it.
      const parent = top.profiles[name]?.extends;
      const lines = zodIssueLines(result.error, file, ['profiles', name]);
      const inherited = typeof parent === 'string' ? lines.filter((l) => problems.includes(l.replace(`profiles.${name}.`, `profiles.${parent}.`))) : [];
      problems.push(...lines.filter((l) => !inherited.includes(l)));
      continue;
    }
    const { extends: _parent, ...settings } = result.data;
    profiles[name] = { name, ...settings };
  }
  const defaultProfile = top.defaultProfile ?? names[0];
  if (defaultProfile !== undefined && !(defaultProfile in top.profiles)) {
    problems.push(`${file}: defaultProfile: no profile named ${JSON.stringify(defaultProfile)} (have: ${names.join(', ')})`);
  }
  if (Object.keys(profiles).length === 0) return { config: null, problems };
  const parsedTop = top;
  const config = buildConfig(file, parsedTop, profiles, defaultProfile !== undefined && defaultProfile in profiles ? defaultProfile : Object.keys(profiles)[0]!, env, problems);
  return { config, problems };
}

function buildConfig(
  file: string,
  parsed: z.output<typeof fileSchema>,
  profiles: Record<string, Profile>,
  defaultProfile: string,
  env: NodeJS.ProcessEnv,
  problems: string[],
): Config {
  const secretsFile = parsed.secretsFile ?? env.SHOPWIRE_SECRETS_FILE;
  const secretsPath = secretsFile ? path.resolve(path.dirname(file), secretsFile) : null;
  let secrets: Record<string, string> = {};
  try {
    secrets = secretsPath ? readSecretsFile(secretsPath) : {};
  } catch (error) {
    problems.push(error instanceof Error ? error.message : String(error));
  }
  const lookup = (name: string): string | undefined => {
    const value = env[name] ?? secrets[name];
    return value === undefined || value === '' ? undefined : value;
  };

  return {
    file,
    defaultProfile,
    profiles,
    store: parsed.store,
    server: parsed.server,
    worker: parsed.worker,
    retention: parsed.retention,
    dashboard: parsed.dashboard,
    cablebuilder: parsed.cablebuilder,
    secretsFile: secretsPath,
    hasSecret: (name) => lookup(name) !== undefined,
    secret(name, usedAt) {
      const value = lookup(name);
      if (value === undefined) {
        throw new ConfigError(
          `${file}: ${usedAt}: the secret ${name} is not set: export ${name}=… or add it to ${secretsPath ?? 'a secrets file (secretsFile or $SHOPWIRE_SECRETS_FILE)'}`,
        );
      }
      registerSecret(value);
      return value;
    },
  };
}

/**
 * A YAML syntax error as `file:line:col: not valid YAML: <what>` followed by the lines around it
 * with a caret under the place (the `yaml` library's message ends in "at line L, column C:" and its
 * own frame; that dangling tail is replaced by this one).
 */
export function yamlErrorMessage(error: YAMLParseError, file: string, text?: string): string {
  const at = error.linePos?.[0];
  const what = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  const head = `${file}${at ? `:${at.line}:${at.col}` : ''}: not valid YAML: ${what}`;
  if (!at || text === undefined) return head;
  const lines = text.split(/\r?\n/);
  const first = Math.max(1, at.line - 2);
  const width = String(at.line).length;
  const frame: string[] = [];
  for (let n = first; n <= Math.min(lines.length, at.line); n++) {
    frame.push(`${n === at.line ? '>' : ' '} ${String(n).padStart(width)} | ${lines[n - 1]}`);
  }
  frame.push(`  ${' '.repeat(width)} | ${' '.repeat(Math.max(0, at.col - 1))}^`);
  return `${head}\n${frame.join('\n')}`;
}

/** The named profile, or the default one. */
export function selectProfile(config: Config, name?: string): Profile {
  const key = name ?? config.defaultProfile;
  const profile = config.profiles[key];
  if (!profile) {
    throw new ConfigError(
      `${config.file ?? 'built-in config'}: no profile named ${JSON.stringify(key)} (have: ${Object.keys(config.profiles).join(', ')})`,
    );
  }
  return profile;
}

function resolveExtends(all: Record<string, Record<string, unknown>>, name: string, file: string): Record<string, unknown> {
  const chain: string[] = [];
  let current: string | undefined = name;
  while (current !== undefined) {
    if (chain.includes(current)) {
      throw new ConfigError(`${file}: profiles.${name}.extends: profiles extend each other in a loop (${[...chain, current].join(' → ')})`);
    }
    const body: Record<string, unknown> | undefined = all[current];
    if (body === undefined) {
      const from = chain[chain.length - 1] ?? name;
      throw new ConfigError(`${file}: profiles.${from}.extends: no profile named ${JSON.stringify(current)}`);
    }
    chain.push(current);
    const parent: unknown = body.extends;
    if (parent !== undefined && typeof parent !== 'string') {
      throw new ConfigError(`${file}: profiles.${current}.extends: must be a profile name, got ${JSON.stringify(parent)}`);
    }
    current = parent;
  }
  // Base first, then each child over it.
  let merged: Record<string, unknown> = {};
  for (const profileName of chain.reverse()) merged = deepMerge(merged, all[profileName]!);
  delete merged.extends;
  return merged;
}

/**
 * Objects merge key by key; arrays and scalars in `over` replace those in `base`. A mapping table
 * in the `{ replace: true, entries }` form replaces the parent's table as a whole; plain entries
 * over a parent's replaced table go into its entries (src/translate/mapping-table.ts).
 */
export function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prior = out[key];
    if (isReplaceForm(value)) out[key] = value;
    else if (isReplaceForm(prior) && isPlainObject(prior) && isPlainObject(value) && isPlainObject(prior.entries)) {
      const entries: Record<string, unknown> = { ...prior.entries };
      for (const [name, target] of Object.entries(value)) {
        if (target === null) delete entries[name];
        else entries[name] = target;
      }
      out[key] = { ...prior, entries };
    } else out[key] = isPlainObject(prior) && isPlainObject(value) ? deepMerge(prior, value) : value;
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Removes `token: value` style keys from the parsed file, and says so for each. */
function takeInlineSecrets(value: unknown, file: string, at: string[]): string[] {
  if (!isPlainObject(value)) return [];
  const out: string[] = [];
  for (const [key, child] of Object.entries(value)) {
    if (SECRET_KEY_IN_FILE.test(key) && typeof child === 'string') {
      out.push(
        `${file}: ${[...at, key].join('.')}: secrets may not be written in the config file; put the value in an environment variable or the secrets file and name it with ${key}Env`,
      );
      delete value[key];
      continue;
    }
    out.push(...takeInlineSecrets(child, file, [...at, key]));
  }
  return out;
}

function readSecretsFile(file: string): Record<string, string> {
  if (!existsSync(file)) throw new ConfigError(`${file}: secrets file not found`);
  const mode = statSync(file).mode & 0o077;
  const text = readFileSync(file, 'utf8');
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch {
    throw new ConfigError(`${file}: secrets file is not valid YAML (expected lines NAME: value)`);
  }
  if (raw === null || raw === undefined) return {};
  if (!isPlainObject(raw)) throw new ConfigError(`${file}: secrets file must be a mapping of NAME: value`);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (typeof value !== 'string' && typeof value !== 'number') {
      // Never echo the value: it is a secret.
      throw new ConfigError(`${file}: ${name}: must be a string`);
    }
    out[name] = String(value);
    registerSecret(out[name]);
  }
  if (mode !== 0) secretsFileWarnings.add(`${file}: readable by other users (chmod 600 it)`);
  return out;
}

/** Warnings gathered while loading (doctor prints them). */
export const secretsFileWarnings = new Set<string>();

function zodIssueLines(error: z.ZodError, file: string, prefix: (string | number)[]): string[] {
  // One problem per key: a value that fails two rules (not a URL, and not http) is one thing to fix.
  const seen = new Set<string>();
  const issues = error.issues.filter((issue) => {
    const key = issue.code === 'unrecognized_keys' ? `${issue.path.join('.')}\u0000${issue.keys.join(',')}` : issue.path.join('.');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return issues.map((issue) => {
    const keyPath = [...prefix, ...issue.path].map(String).join('.') || '(top level)';
    if (issue.code === 'unrecognized_keys') {
      return `${file}: ${keyPath}: unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
    }
    const input = 'input' in issue ? issue.input : undefined;
    const got = input === undefined ? 'missing' : `got ${JSON.stringify(input)}`;
    return `${file}: ${keyPath}: ${issue.message} (${got})`;
  });
}
