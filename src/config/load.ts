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
import { ConfigError } from './errors.ts';
import type { CableBuilderSettings } from './cablebuilder.ts';
import { fileSchema, profileSchema, type DashboardSettings, type Profile, type ServerSettings, type StoreSettings, type WorkerSettings } from './schema.ts';

export type Config = {
  /** Absolute path of the file read, or null for the built-in example configuration. */
  file: string | null;
  defaultProfile: string;
  profiles: Record<string, Profile>;
  store: StoreSettings;
  server: ServerSettings;
  worker: WorkerSettings;
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

/** Parses config text. `file` is used in messages and to resolve the secrets file. */
export function parseConfig(text: string, file: string, env: NodeJS.ProcessEnv = process.env): Config {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    if (error instanceof YAMLParseError) {
      throw new ConfigError(yamlErrorMessage(error, file, text));
    }
    throw error;
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(`${file}: the top level must be a mapping with a 'profiles' key`);
  }
  rejectInlineSecrets(raw, file, []);
  const top = fileSchema.safeParse(raw, { reportInput: true });
  if (!top.success) throw zodToConfigError(top.error, file, []);
  const parsed = top.data;

  const names = Object.keys(parsed.profiles);
  if (names.length === 0) throw new ConfigError(`${file}: profiles: at least one profile is required`);
  const profiles: Record<string, Profile> = {};
  for (const name of names) {
    const merged = resolveExtends(parsed.profiles, name, file);
    const result = profileSchema.safeParse(merged, { reportInput: true });
    if (!result.success) throw zodToConfigError(result.error, file, ['profiles', name]);
    const { extends: _parent, ...settings } = result.data;
    profiles[name] = { name, ...settings };
  }
  const defaultProfile = parsed.defaultProfile ?? names[0]!;
  if (!(defaultProfile in profiles)) {
    throw new ConfigError(`${file}: defaultProfile: no profile named ${JSON.stringify(defaultProfile)} (have: ${names.join(', ')})`);
  }

  const secretsFile = parsed.secretsFile ?? env.SHOPWIRE_SECRETS_FILE;
  const secretsPath = secretsFile ? path.resolve(path.dirname(file), secretsFile) : null;
  const secrets = secretsPath ? readSecretsFile(secretsPath) : {};
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

/** Objects merge key by key; arrays and scalars in `over` replace those in `base`. */
export function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prior = out[key];
    out[key] = isPlainObject(prior) && isPlainObject(value) ? deepMerge(prior, value) : value;
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function rejectInlineSecrets(value: unknown, file: string, at: string[]): void {
  if (!isPlainObject(value)) return;
  for (const [key, child] of Object.entries(value)) {
    if (SECRET_KEY_IN_FILE.test(key) && typeof child === 'string') {
      throw new ConfigError(
        `${file}: ${[...at, key].join('.')}: secrets may not be written in the config file; put the value in an environment variable or the secrets file and name it with ${key}Env`,
      );
    }
    rejectInlineSecrets(child, file, [...at, key]);
  }
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

function zodToConfigError(error: z.ZodError, file: string, prefix: (string | number)[]): ConfigError {
  const lines = error.issues.map((issue) => {
    const keyPath = [...prefix, ...issue.path].map(String).join('.') || '(top level)';
    if (issue.code === 'unrecognized_keys') {
      return `${file}: ${keyPath}: unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
    }
    const input = 'input' in issue ? issue.input : undefined;
    const got = input === undefined ? 'missing' : `got ${JSON.stringify(input)}`;
    return `${file}: ${keyPath}: ${issue.message} (${got})`;
  });
  return new ConfigError(lines.join('\n'), { issues: lines });
}
