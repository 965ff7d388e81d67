/**
 * Reloading the config file while the hub runs (SIGHUP, or the dashboard's Reload button). The
 * new file is checked whole first; when it has any problem, nothing changes and the problems are
 * returned. Otherwise each running profile takes its new `translation` (mapping tables and
 * translation options: what a mapping fix changes), in place, so every part that reads the profile
 * (the worker's translator, the dashboard, previews) sees it from the next job on; and secrets are
 * read again from the secrets file, so a Paperless Parts or Cetec token fixed there is used from
 * the next call on (clients read their token at each call; a changed one is reported by name,
 * never by value). Everything else (URLs, which variable names a token, schedules, server, store)
 * is bound to open clients and timers: a change there is reported as needing a restart and not
 * applied. Environment variables are the process's own and cannot change while it runs.
 */
import { checkConfigFile, type Config } from './load.ts';

export type ReloadResult =
  | { ok: true; file: string; applied: string[]; needsRestart: string[] }
  | { ok: false; file: string | null; problems: string[] };

export function reloadConfig(current: Config, env: NodeJS.ProcessEnv = process.env): ReloadResult {
  if (current.file === null) return { ok: false, file: null, problems: ['the built-in example configuration has no file to reload'] };
  const check = checkConfigFile({ file: current.file, env });
  if (check === null || check.config === null || check.problems.length > 0) {
    return { ok: false, file: current.file, problems: check?.problems.length ? check.problems : ['the file could not be read'] };
  }
  const next = check.config;
  const applied: string[] = [];
  const needsRestart: string[] = [];
  const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
  for (const [name, profile] of Object.entries(current.profiles)) {
    const incoming = next.profiles[name];
    if (incoming === undefined) {
      needsRestart.push(`profiles.${name} (removed)`);
      continue;
    }
    const { translation: oldTranslation, ...oldRest } = profile;
    const { translation: newTranslation, ...newRest } = incoming;
    for (const key of new Set([...Object.keys(oldRest), ...Object.keys(newRest)])) {
      if (!same((oldRest as Record<string, unknown>)[key], (newRest as Record<string, unknown>)[key])) needsRestart.push(`profiles.${name}.${key}`);
    }
    if (!same(oldTranslation, newTranslation)) {
      // In place: the hub, the worker's translator and the dashboard hold this same object.
      profile.translation = newTranslation;
      applied.push(`profiles.${name}.translation`);
    }
  }
  for (const name of Object.keys(next.profiles)) if (!(name in current.profiles)) needsRestart.push(`profiles.${name} (added)`);
  const value = (config: Config, name: string): string | null => (config.hasSecret(name) ? config.secret(name, 'reload') : null);
  for (const [name, profile] of Object.entries(current.profiles)) {
    for (const system of ['paperless', 'cetec'] as const) {
      const tokenEnv = profile[system].tokenEnv;
      if (next.profiles[name]?.[system].tokenEnv === tokenEnv && value(current, tokenEnv) !== value(next, tokenEnv)) applied.push(`profiles.${name}.${system} token (${tokenEnv})`);
    }
  }
  // From now on every secret is read from what was just loaded (the secrets file read again).
  current.secret = next.secret;
  current.hasSecret = next.hasSecret;
  for (const key of ['defaultProfile', 'store', 'server', 'worker', 'dashboard', 'cablebuilder', 'secretsFile'] as const) {
    if (!same(current[key], next[key])) needsRestart.push(key);
  }
  return { ok: true, file: current.file, applied, needsRestart };
}
