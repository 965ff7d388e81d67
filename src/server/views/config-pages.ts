import { html, query, type SafeHtml } from '../html.ts';
import type { MappingTable, MaskedConfig } from '../config-view.ts';
import type { UnmappedValue } from '../ports.ts';
import { jsonBlock } from './job-page.ts';
import { tableOrigin } from '../../translate/mapping-table.ts';
import { DEFAULT_OPERATIONS, DEFAULT_PAYMENT_TERMS, DEFAULT_SHIP_VIA } from '../../translate/order-to-cetec/options.ts';
import { yamlToAdd } from '../../translate/unmapped.ts';

/** What a reload or a retry from the Mappings page did. */
export type MappingsNotice = { ok: boolean; lines: string[]; jobIds?: string[] };

/** Built-in tables, to say how many of their entries are in force. */
const DEFAULT_TABLES: Record<string, Readonly<Record<string, string>>> = {
  'translation.routing.operations': DEFAULT_OPERATIONS,
  'translation.salesOrder.shipVia': DEFAULT_SHIP_VIA,
  'translation.salesOrder.paymentTerms': DEFAULT_PAYMENT_TERMS,
};

function originNote(table: MappingTable): string {
  const key = Object.keys(DEFAULT_TABLES).find((k) => table.source.endsWith(k));
  if (key === undefined) return '';
  const o = tableOrigin(Object.fromEntries(table.entries), DEFAULT_TABLES[key]!);
  const parts = [`${o.defaultsInForce} of ${o.defaults} built-in entries in force`];
  if (o.added.length) parts.push(`${o.added.length} added`);
  if (o.overridden.length) parts.push(`${o.overridden.length} changed`);
  if (o.removed.length) parts.push(`${o.removed.length} removed`);
  return ` — ${table.entries.length} entries: ${parts.join(', ')}`;
}

export function mappingsBody(input: {
  profiles: string[];
  profile: string;
  tables: MappingTable[];
  settings: [string, string][];
  unmapped: UnmappedValue[];
  csrf?: string;
  canReload?: boolean;
  canRetry?: boolean;
  notice?: MappingsNotice;
}): SafeHtml {
  return html`<h1>Mappings</h1>
  ${input.notice
    ? html`<div class="${input.notice.ok ? 'notice' : 'alert'}" role="status" data-notice data-reload-ok="${String(input.notice.ok)}">${input.notice.lines.map((l) => html`<p>${l}</p>`)}</div>`
    : ''}
  <form method="get" action="/mappings" class="filters">
    <label>Profile <select name="profile">${input.profiles.map((p) => html`<option value="${p}"${p === input.profile ? html` selected` : ''}>${p}</option>`)}</select></label>
    <button type="submit">Show</button>
  </form>
  ${input.csrf && (input.canReload || input.canRetry)
    ? html`<div class="actions" role="group" aria-label="Mapping actions">
        ${input.canReload
          ? html`<form method="post" action="/mappings/reload" data-confirm="Read the config file again? It is checked first; with any problem the running configuration is kept.">
              <input type="hidden" name="_csrf" value="${input.csrf}"><input type="hidden" name="profile" value="${input.profile}">
              <button type="submit" data-action="reload">Reload configuration</button></form>`
          : ''}
        ${input.canRetry
          ? html`<form method="post" action="/mappings/retry" data-confirm="Retry every job of this profile that stopped on a missing mapping?">
              <input type="hidden" name="_csrf" value="${input.csrf}"><input type="hidden" name="profile" value="${input.profile}">
              <button type="submit" data-action="retry-mappings">Retry jobs waiting on a mapping</button></form>`
          : ''}
      </div>`
    : ''}
  <section aria-labelledby="unmapped-h" data-unmapped>
    <h2 id="unmapped-h">Seen in recent data, not mapped (${input.unmapped.length})</h2>
    ${input.unmapped.length === 0
      ? html`<p class="muted">Every operation, resource and shipping method seen recently is mapped.</p>`
      : html`<table class="unmapped"><thead><tr><th scope="col">Kind</th><th scope="col">Value</th><th scope="col" class="num">Jobs</th><th scope="col">Examples</th><th scope="col">YAML to add</th></tr></thead>
          <tbody>${input.unmapped.map((u) => {
            const yaml = yamlToAdd(u.kind, u.value, input.profile);
            return html`<tr data-unmapped-kind="${u.kind}"><td>${u.kind}</td><td><code>${u.value}</code></td><td class="num">${u.count}</td><td>${u.jobIds.slice(0, 3).map((id, i) => html`${i > 0 ? ', ' : ''}<a href="/jobs/${id}">${id}</a>`)}</td><td>${yaml ? html`<pre class="yaml" data-yaml>${yaml}</pre>` : html`<span class="muted">see the job</span>`}</td></tr>`;
          })}</tbody></table>
          <p>Add each to the config file (replace <code>CETEC_KEY</code> with the Cetec key; the entries extend the built-in table), press Reload configuration, then Retry jobs waiting on a mapping.</p>`}
  </section>
  ${input.tables.map(
    (t) => html`<section aria-labelledby="map-${t.name}" data-mapping="${t.name}">
      <h2 id="map-${t.name}">${t.name}</h2>
      <p class="muted"><code>${t.source}</code>${originNote(t)}</p>
      ${t.entries.length === 0
        ? html`<p class="muted">Empty.</p>`
        : html`<table class="map"><thead><tr><th scope="col">From</th><th scope="col">To</th></tr></thead>
            <tbody>${t.entries.map(([from, to]) => html`<tr><td>${from}</td><td><code>${to}</code></td></tr>`)}</tbody></table>`}
    </section>`,
  )}
  ${input.settings.length > 0
    ? html`<section aria-labelledby="tsettings-h"><h2 id="tsettings-h">Other translation settings</h2>
        <dl class="facts">${input.settings.map(([k, v]) => html`<dt><code>${k}</code></dt><dd>${v}</dd>`)}</dl></section>`
    : ''}`;
}

/** One profile's established Cetec tenant behaviour (lines from the store). */
export type TenantLines = { profile: string; lines: string[] };

export function settingsBody(masked: MaskedConfig, tenants: TenantLines[] = []): SafeHtml {
  return html`<h1>Settings</h1>
  <p>Read from <code>${masked.file ?? 'the built-in example configuration'}</code>. Default profile: <strong>${masked.defaultProfile}</strong>. Change settings in that file; mapping tables and translation options take effect with Reload configuration (on the Mappings page) or <code>kill -HUP</code> of the hub, everything else with a restart.</p>
  <section aria-labelledby="secrets-h" data-secrets>
    <h2 id="secrets-h">Secrets</h2>
    <p>Only names are shown. Values live in the environment or the secrets file.</p>
    <table><thead><tr><th scope="col">Name</th><th scope="col">Used at</th><th scope="col">Set</th></tr></thead>
      <tbody>${masked.secrets.map(
        (s) => html`<tr data-secret="${s.name}"><td><code>${s.name}</code></td><td><code>${s.usedAt}</code></td><td>${s.set ? 'yes' : html`<strong class="bad">missing</strong>`}</td></tr>`,
      )}</tbody></table>
  </section>
  ${tenants.length > 0
    ? html`<section aria-labelledby="tenant-h" data-cetec-tenant>
    <h2 id="tenant-h">Cetec tenant behaviour</h2>
    <p>What <code>shopwire cetec selftest</code> established, and when. An import whose answer was lost is settled only with behaviour listed as established; otherwise it waits for a person (<code>shopwire resolve</code>).</p>
    ${tenants.map((t) => html`<h3>${t.profile}</h3><ul data-tenant-profile="${t.profile}">${t.lines.map((l) => html`<li>${l}</li>`)}</ul>`)}
  </section>`
    : ''}
  <section aria-labelledby="effective-h">
    <h2 id="effective-h">Effective configuration</h2>
    ${jsonBlock(masked.settings)}
  </section>`;
}

export function loginBody(input: { nonce: string; next: string; error?: string; user?: string }): SafeHtml {
  return html`<div class="login">
    <h1>Sign in to shopwire</h1>
    ${input.error ? html`<p class="alert" role="alert" data-login-error>${input.error}</p>` : ''}
    <form method="post" action="/login${query({ next: input.next === '/' ? undefined : input.next })}" data-login-form>
      <input type="hidden" name="_login" value="${input.nonce}">
      <label for="login-user">User name</label>
      <input id="login-user" name="username" autocomplete="username" required value="${input.user ?? ''}">
      <label for="login-password">Password</label>
      <input id="login-password" type="password" name="password" autocomplete="current-password" required>
      <button type="submit">Sign in</button>
    </form>
  </div>`;
}
