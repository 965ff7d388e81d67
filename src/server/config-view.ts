/**
 * The configuration as the dashboard shows it: every setting, with secrets shown only by NAME and
 * whether they are set (never a value), and the mapping tables of each profile.
 */
import { isSecretKey, REDACTED, redactValue } from '../lib/redact.ts';
import type { Config } from '../config/load.ts';

/** What the server reads of the config. */
export type ServerConfig = Pick<Config, 'file' | 'defaultProfile' | 'profiles' | 'store' | 'server' | 'cablebuilder' | 'hasSecret'> & {
  /** The `dashboard` section as written (optional), shown on the settings page. */
  dashboard?: unknown;
};

export type SecretRef = { name: string; usedAt: string; set: boolean };

export type MaskedConfig = { file: string | null; defaultProfile: string; settings: unknown; secrets: SecretRef[] };

export function maskConfig(config: ServerConfig): MaskedConfig {
  const secrets: SecretRef[] = [];
  const walk = (value: unknown, at: string[]): unknown => {
    if (Array.isArray(value)) return value.map((v, i) => walk(v, [...at, String(i)]));
    if (value === null || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      if (/Env$/.test(key) && typeof child === 'string') {
        secrets.push({ name: child, usedAt: [...at, key].join('.'), set: config.hasSecret(child) });
        out[key] = child;
      } else if (isSecretKey(key) && child !== null && child !== undefined && child !== '') {
        out[key] = REDACTED;
      } else if (/passwordHash$/.test(key) && typeof child === 'string') {
        out[key] = '[scrypt hash]';
      } else {
        out[key] = walk(child, [...at, key]);
      }
    }
    return out;
  };
  const settings = walk(
    {
      profiles: config.profiles,
      store: config.store,
      server: config.server,
      ...(config.cablebuilder === undefined ? {} : { cablebuilder: config.cablebuilder }),
      ...(config.dashboard === undefined ? {} : { dashboard: config.dashboard }),
    },
    [],
  );
  return { file: config.file, defaultProfile: config.defaultProfile, settings: redactValue(settings), secrets };
}

const MAIN_TABLES = ['operations', 'resourceLocations', 'shipVia', 'paymentTerms', 'parts'];

export type MappingTable = { name: string; source: string; entries: [from: string, to: string][] };

/**
 * Mapping tables of a profile: every object of string values in its translation options (operations,
 * shipping methods, payment terms, ...), plus the CableBuilder resource → location table.
 * Other translation settings (scalars) come back as `settings`.
 */
export function mappingTables(config: ServerConfig, profile: string): { tables: MappingTable[]; settings: [string, string][] } {
  const tables: MappingTable[] = [];
  const settings: [string, string][] = [];
  const translation = (config.profiles[profile] as { translation?: unknown } | undefined)?.translation;
  collect(translation, `profiles.${profile}.translation`, tables, settings);
  const cb = (config.cablebuilder as { translation?: unknown } | undefined)?.translation;
  if (cb !== undefined) collect(cb, 'cablebuilder.translation', tables, settings);
  // The tables people edit most first; the rest (prefixes, variable names) after, in config order.
  const rank = (t: MappingTable): number => {
    const i = MAIN_TABLES.indexOf(t.name);
    return i === -1 ? MAIN_TABLES.length : i;
  };
  return { tables: tables.map((t, i) => ({ t, i })).sort((a, b) => rank(a.t) - rank(b.t) || a.i - b.i).map(({ t }) => t), settings };
}

function collect(value: unknown, at: string, tables: MappingTable[], settings: [string, string][]): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    if (child !== null && typeof child === 'object' && !Array.isArray(child)) {
      const entries = Object.entries(child as Record<string, unknown>);
      if (entries.every(([, v]) => typeof v === 'string' || typeof v === 'number' || v === null)) {
        tables.push({ name: key, source: `${at}.${key}`, entries: entries.map(([k, v]) => [k, v === null ? '(none)' : String(v)]) });
      } else {
        collect(child, `${at}.${key}`, tables, settings);
      }
    } else {
      settings.push([`${at}.${key}`, Array.isArray(child) ? child.join(', ') : String(child)]);
    }
  }
}
