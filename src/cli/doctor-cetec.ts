/**
 * doctor's Cetec checks, kept apart from doctor.ts:
 * - `cetecOnlineFindings`: one harmless read (`GET /api/customer?id=0&columns=id`, the call Cetec's
 *   own backup tool makes) told apart by what it answers, not by status alone: a JSON array is a
 *   working tenant; 401/403 or a "token" refusal is a wrong token; 404, a redirect or an HTML page
 *   (a login page answers 200) is a wrong base URL. (A part lookup cannot tell: its 404 means
 *   "no such part" on a right URL and "no such path" on a wrong one.)
 * - `cetecTenantFindings`: what `shopwire cetec selftest` established for each profile, and when,
 *   from the store; the engine relies on nothing else (src/engine/cetec-tenant.ts).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/load.ts';
import type { Profile } from '../config/schema.ts';
import { parseTenantFacts, tenantBehaviour } from '../engine/cetec-tenant.ts';
import { redactText } from '../lib/redact.ts';
import { createCetecClient } from '../systems/cetec/client.ts';
import type { CetecRawAnswer } from '../systems/cetec/client.ts';
import { describeTenantFacts } from './cetec.ts';
import { openConfiguredStore } from './open-store.ts';

type Finding = { level: 'ok' | 'warn' | 'error'; check: string; text: string };

const TOKEN_WORDS = /\b(token|unauthori[sz]ed|not authori[sz]ed|forbidden|access denied|invalid key)\b/i;

/** What one probe answer says about the base URL and the token. Exported for tests. */
export function classifyProbe(baseUrl: string, answer: CetecRawAnswer & { location: string }): { level: Finding['level']; text: string } {
  const path = new URL(baseUrl).pathname.replace(/\/+$/, '');
  const urlHint = path === '' ? 'give the tenant URL, e.g. https://acme.cetecerp.com' : `the base URL has the path ${path}: give the tenant URL only (shopwire adds /api/… and /importjson/… itself)`;
  const said = answer.body !== null && typeof answer.body === 'object' && !Array.isArray(answer.body) ? String((answer.body as Record<string, unknown>).message ?? '') : '';
  const html = answer.body === null && /<html|<!doctype/i.test(answer.text);
  const title = /<title>([^<]{0,80})<\/title>/i.exec(answer.text)?.[1]?.trim();
  if (answer.status >= 200 && answer.status < 300 && Array.isArray(answer.body)) {
    return { level: 'ok', text: `${baseUrl} answered with the token as a Cetec tenant does (GET /api/customer: a JSON array)` };
  }
  if (answer.status === 401 || answer.status === 403 || (TOKEN_WORDS.test(said) && answer.body !== null)) {
    return { level: 'error', text: `${baseUrl} answered as the Cetec API but refused the token (HTTP ${answer.status}${said ? `: ${said}` : ''}): check the secret named by cetec.tokenEnv (Cetec's "JSON API Token" setting)` };
  }
  if (answer.status >= 300 && answer.status < 400) {
    return { level: 'error', text: `${baseUrl} redirects the API call (HTTP ${answer.status}${answer.location ? ` to ${answer.location}` : ''}): not the Cetec API; ${urlHint}` };
  }
  if (html) {
    return {
      level: 'error',
      text: `${baseUrl} answered HTTP ${answer.status} with an HTML page${title ? ` ("${title}")` : ''} instead of JSON: not the Cetec API (a login page answers like this); ${urlHint}. If the URL is right, the tenant may show its login page for a refused token: check cetec.tokenEnv too`,
    };
  }
  if (answer.status === 404) {
    return { level: 'error', text: `${baseUrl} answered 404 for /api/customer, a call every Cetec tenant serves: wrong base URL; ${urlHint}` };
  }
  return { level: 'error', text: `${baseUrl} answered HTTP ${answer.status} (${answer.contentType || 'no content type'}) where a Cetec tenant answers a JSON array: check the base URL and the token` };
}

export async function cetecOnlineFindings(config: Config, profile: Profile): Promise<Finding[]> {
  const at = `profiles.${profile.name}`;
  if (!config.hasSecret(profile.cetec.tokenEnv)) return [];
  const client = createCetecClient({ baseUrl: profile.cetec.baseUrl, token: config.secret(profile.cetec.tokenEnv, `${at}.cetec.tokenEnv`), timeoutMs: 10_000, retry: { maxAttempts: 1 }, breaker: false });
  try {
    const verdict = classifyProbe(profile.cetec.baseUrl, await client.probe());
    return [{ level: verdict.level, check: 'online', text: `${at}.cetec: ${verdict.text}` }];
  } catch (error) {
    return [{ level: 'error', check: 'online', text: `${at}.cetec: ${redactText(error instanceof Error ? error.message : String(error))}` }];
  } finally {
    await client.close();
  }
}

/** The established behaviour of each profile's tenant (reads the store; never creates one). */
export async function cetecTenantFindings(config: Config): Promise<Finding[]> {
  const sqlite = 'sqlite' in config.store ? path.resolve(config.file ? path.dirname(config.file) : process.cwd(), config.store.sqlite) : null;
  if (sqlite !== null && !existsSync(sqlite)) {
    return Object.values(config.profiles).map((p) => ({
      level: 'warn' as const,
      check: 'cetec',
      text: `profiles.${p.name}.cetec: no store yet, so nothing is established about the tenant: an import whose answer is lost will wait for a person (run shopwire cetec selftest; docs/cetec-first-run.md)`,
    }));
  }
  let store;
  try {
    store = await openConfiguredStore(config);
  } catch (error) {
    return [{ level: 'warn', check: 'cetec', text: `cetec: cannot read what the self-test established (store: ${redactText(error instanceof Error ? error.message : String(error))})` }];
  }
  const out: Finding[] = [];
  try {
    for (const profile of Object.values(config.profiles)) {
      const at = `profiles.${profile.name}.cetec`;
      const stored = await store.getTenantFacts(profile.name, 'cetec');
      const facts = parseTenantFacts(stored?.facts);
      const behaviour = tenantBehaviour(stored?.facts);
      const settled = behaviour.orderLookup || behaviour.duplicateExternalKey === 'reject' || behaviour.duplicateExternalKey === 'return-existing';
      for (const line of describeTenantFacts(facts)) out.push({ level: settled ? 'ok' : 'warn', check: 'cetec', text: `${at}: ${line}` });
      if (!settled) {
        out.push({
          level: 'warn',
          check: 'cetec',
          text: `${at}: nothing established lets shopwire settle an import whose answer is lost: it waits in needs-attention for shopwire resolve (run shopwire cetec selftest${profile.cetec.sandbox ? '' : ' on a sandbox profile'}; docs/cetec-first-run.md)`,
        });
      }
      const expected = profile.cetec.duplicateExternalKey;
      if (expected !== 'unknown' && expected !== behaviour.duplicateExternalKey) {
        out.push({ level: 'warn', check: 'cetec', text: `${at}.duplicateExternalKey says ${expected}, but ${behaviour.duplicateExternalKey === 'unknown' ? 'nothing is established' : `the self-test saw ${behaviour.duplicateExternalKey}`}: shopwire uses only what was established` });
      }
      if (profile.cetec.orderLookup && !behaviour.orderLookup) {
        out.push({ level: 'warn', check: 'cetec', text: `${at}.orderLookup is true, but the lookup is not established: shopwire does not use it` });
      }
    }
  } finally {
    await store.close();
  }
  return out;
}
