import { redactValue } from '../../lib/redact.ts';
import { adviceFor } from '../advice.ts';
import { html, type SafeHtml } from '../html.ts';
import { FLOW_LABELS, type ActionName, type AuditView, type JobDetail, type JobState, type TransferView } from '../ports.ts';
import { stateBadge, when } from './layout.ts';
import { planView, warningsView } from './plan-view.ts';
import { summarizeSource } from './source-summary.ts';
import { systemName } from '../../lib/transfer.ts';

/** Which buttons a job in a state offers (the port decides for real; this only hides useless ones). */
export const ACTIONS_BY_STATE: Record<JobState, ActionName[]> = {
  pending: ['cancel'],
  running: [],
  done: ['replay'],
  retrying: ['retry', 'cancel'],
  'needs-attention': ['retry', 'replay', 'cancel'],
  cancelled: ['replay'],
};

const ACTION_TEXT: Record<ActionName, { label: string; confirm: string }> = {
  retry: { label: 'Retry now', confirm: 'Run this job again now, from its last completed step?' },
  replay: { label: 'Replay from the start', confirm: 'Run every step of this job again from the start? BOM definitions are replaced; the sales order is checked before it is sent again.' },
  cancel: { label: 'Cancel', confirm: 'Cancel this job? It will not run again unless replayed.' },
};

/** Who did what to the job, newest first (the audit log). */
function historyBox(audit: AuditView[], nowMs: number): SafeHtml {
  if (audit.length === 0) return html``;
  return html`<section aria-labelledby="history-h" data-history>
    <h2 id="history-h">Operator actions</h2>
    <table><thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">Detail</th></tr></thead>
    <tbody>${audit.map((a) => html`<tr data-audit-action="${a.action}"><td>${when(a.at, nowMs)}</td><td>${a.actor}</td><td>${a.action}</td><td>${a.detail ?? ''}</td></tr>`)}</tbody></table>
    <p class="muted">All of them: <a href="/api/v1/audit?format=csv">the audit log as CSV</a>.</p>
  </section>`;
}

export function jobBody(job: JobDetail, csrf: string, nowMs: number, notice?: string, audit: AuditView[] = []): SafeHtml {
  const summary = summarizeSource(job.flow, job.source);
  return html`<h1>${FLOW_LABELS[job.flow]} ${job.key} <span class="muted">(${job.profile})</span></h1>
  ${notice ? html`<p class="notice" role="status" data-notice>${notice}</p>` : ''}
  <dl class="facts inline" data-job="${job.id}">
    <dt>Job id</dt><dd><code data-job-id-text>${job.id}</code></dd>
    <dt>State</dt><dd data-job-state>${stateBadge(job.state)}</dd>
    <dt>Failed runs</dt><dd>${job.attempts}</dd>
    ${job.correlationId ? html`<dt>Correlation id</dt><dd><code>${job.correlationId}</code></dd>` : ''}
    <dt>Created</dt><dd>${when(job.createdAt, nowMs)}</dd>
    <dt>Updated</dt><dd>${when(job.updatedAt, nowMs)}</dd>
    ${job.nextAttemptAt ? html`<dt>Next attempt</dt><dd>${when(job.nextAttemptAt, nowMs)}</dd>` : ''}
  </dl>
  ${job.lastError ? errorBox(job) : ''}
  ${actions(job, csrf)}
  ${historyBox(audit, nowMs)}
  ${job.result !== null && job.result !== undefined ? html`<section aria-labelledby="result-h" data-result><h2 id="result-h">Result</h2><p>${resultSummary(job.result)}</p><details><summary>Result as stored</summary>${jsonBlock(job.result)}</details></section>` : ''}
  ${summary
    ? html`<section aria-labelledby="source-h" data-source>
        <h2 id="source-h">Source: ${summary.title}</h2>
        <dl class="facts">${summary.facts.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>
        ${summary.items.length > 0
          ? html`<table><thead><tr><th scope="col">Item</th><th scope="col" class="num">Qty</th><th scope="col">Detail</th></tr></thead>
            <tbody>${summary.items.map((i) => html`<tr><td>${i.label}</td><td class="num">${i.quantity}</td><td>${i.detail}</td></tr>`)}</tbody></table>`
          : ''}
      </section>`
    : ''}
  ${warningsView(job.warnings)}
  <section aria-labelledby="plan-h">
    <h2 id="plan-h">Plan</h2>
    ${job.plan ? planView(job.plan) : html`<p class="muted">No plan yet (the job has not been translated).</p>`}
  </section>
  ${reportsView(job, nowMs)}
  <section aria-labelledby="transfers-h" data-transfers>
    <h2 id="transfers-h">Transfers (${job.transfers.length})</h2>
    ${job.transfers.length === 0
      ? html`<p class="muted">No calls made yet.</p>`
      : html`<p class="muted">Every call to Paperless Parts, Cetec and CableBuilder, grouped by run: each time the job was taken up (a retry, a replay) is a group of its own.</p>
        ${groupTransfers(job.transfers).map((g) => groupView(g, nowMs))}`}
  </section>`;
}

/** The calls of one start of a job (`execution`), in the order they were made. */
export type TransferGroup = {
  run: number | null;
  execution: number | null;
  /** 1 for the first start of its run, 2 for its first retry, …; null for calls made outside a start. */
  attempt: number | null;
  transfers: TransferView[];
};

/** Groups a job's transfers (in the order recorded) by the start of the job they were made in. */
export function groupTransfers(transfers: TransferView[]): TransferGroup[] {
  const groups = new Map<string, TransferGroup>();
  for (const t of transfers) {
    const key = t.execution === undefined ? 'none' : String(t.execution);
    let group = groups.get(key);
    if (group === undefined) {
      group = { run: t.run ?? null, execution: t.execution ?? null, attempt: null, transfers: [] };
      groups.set(key, group);
    }
    group.transfers.push(t);
  }
  // Oldest first: records before runs were numbered, then the calls before the first start, then by start.
  const ordered = [...groups.values()].sort((a, b) => (a.execution ?? -1) - (b.execution ?? -1));
  const perRun = new Map<number, number>();
  for (const g of ordered) {
    if (g.execution === null || g.execution === 0 || g.run === null) continue;
    const n = (perRun.get(g.run) ?? 0) + 1;
    perRun.set(g.run, n);
    g.attempt = n;
  }
  return ordered;
}

function groupTitle(g: TransferGroup): string {
  if (g.execution === null) return 'Earlier calls (recorded before calls were grouped by run)';
  if (g.execution === 0 || g.attempt === null) return 'Before the job first ran';
  // Run: 1, +1 per replay (or changed source); attempt: each time the job was taken up in that run.
  return `Run ${g.run ?? 1}, attempt ${g.attempt}`;
}

function groupView(g: TransferGroup, nowMs: number): SafeHtml {
  const failed = g.transfers.filter((t) => t.outcome !== 'ok' && t.outcome !== 'pending').length;
  const systems = [...new Set(g.transfers.map((t) => systemName(t.system)))].join(', ');
  const first = g.transfers[0]!;
  return html`<section class="transfer-group${failed > 0 ? ' has-failures' : ''}" data-transfer-group="${g.execution ?? 'none'}" data-run="${g.run ?? ''}" data-attempt="${g.attempt ?? ''}">
    <h3>${groupTitle(g)} <span class="muted">· started ${when(first.startedAt, nowMs)} · ${g.transfers.length} call(s) to ${systems}${failed > 0 ? ` · ${failed} failed` : ''}</span></h3>
    <ol class="transfers">${g.transfers.map((t) => transferView(t))}</ol>
  </section>`;
}

const REPORT_LABELS: Record<string, string> = {
  'told-queued': 'told: queued',
  'told-done': 'told: in the ERP',
  'told-failed': 'told: import failed',
  'report-owed': 'outcome owed (retrying)',
  'report-refused': 'outcome refused (retrying every 10 minutes)',
};

/** What each outside system was last told about the job, or why a report is still owed. */
function reportsView(job: JobDetail, nowMs: number): SafeHtml | string {
  const reports = job.reports ?? [];
  if (reports.length === 0) return '';
  return html`<section aria-labelledby="reports-h" data-reports>
    <h2 id="reports-h">Reported to</h2>
    <table><thead><tr><th scope="col">System</th><th scope="col">Status</th><th scope="col">Said</th><th scope="col">When</th></tr></thead>
    <tbody>${reports.map((r) => html`<tr data-report="${r.system}" data-report-status="${r.status}"><td>${r.system === 'cablebuilder' ? 'CableBuilder' : 'Paperless Parts'}</td><td>${REPORT_LABELS[r.status] ?? r.status}</td><td>${r.message ?? ''}</td><td>${when(r.updatedAt, nowMs)}</td></tr>`)}</tbody></table>
  </section>`;
}

/** One line for people: the Cetec numbers a job produced. */
function resultSummary(result: unknown): string {
  const r = result as { quotes?: unknown; orders?: unknown; imports?: { numbersKnown?: boolean }[] } | null;
  const list = (v: unknown): number[] => (Array.isArray(v) ? v.filter((n): n is number => typeof n === 'number') : []);
  const quotes = list(r?.quotes);
  const orders = list(r?.orders);
  const parts = [quotes.length ? `Cetec quote ${quotes.join(', ')}` : '', orders.length ? `sales order ${orders.join(', ')}` : ''].filter(Boolean);
  if (parts.length > 0) return `${parts.join(', ')}.`;
  if (Array.isArray(r?.imports) && r.imports.some((i) => i.numbersKnown === false)) return 'The sales order exists in Cetec; Cetec did not report its numbers (search by the external key).';
  return 'Done; see the transfers below.';
}

function errorBox(job: JobDetail): SafeHtml {
  const e = job.lastError!;
  // A cancelled job is not waiting for anyone: the last error is history, not something to retry.
  const advice = job.state === 'cancelled' ? { headline: 'Cancelled: this job will not run again unless it is replayed.', action: 'Nothing, unless the cause below is fixed and the job should run after all: then Replay from the start.' } : adviceFor(e);
  return html`<section class="alert" aria-labelledby="error-h" data-error-code="${e.code}" data-error-kind="${e.kind}">
    <h2 id="error-h">${advice.headline}</h2>
    <p><strong>What to do:</strong> ${advice.action}</p>
    <p class="detail error-text"><code>${e.code}</code> ${e.message}</p>
  </section>`;
}

function actions(job: JobDetail, csrf: string): SafeHtml {
  const allowed = ACTIONS_BY_STATE[job.state];
  if (allowed.length === 0) return html``;
  return html`<div class="actions" role="group" aria-label="Job actions">
    ${allowed.map(
      (a) => html`<form method="post" action="/jobs/${job.id}/${a}" data-confirm="${ACTION_TEXT[a].confirm}">
        <input type="hidden" name="_csrf" value="${csrf}">
        <input type="hidden" name="confirmed" value="">
        <button type="submit" data-action="${a}"${a === 'cancel' ? html` class="danger"` : ''}>${ACTION_TEXT[a].label}</button>
      </form>`,
    )}
  </div>`;
}

export function confirmBody(jobId: string, jobKey: string, action: ActionName, csrf: string): SafeHtml {
  return html`<h1>${ACTION_TEXT[action].label}: ${jobKey}</h1>
  <p>${ACTION_TEXT[action].confirm}</p>
  <form method="post" action="/jobs/${jobId}/${action}" class="actions">
    <input type="hidden" name="_csrf" value="${csrf}">
    <input type="hidden" name="confirmed" value="1">
    <button type="submit" data-action="${action}">Yes, ${ACTION_TEXT[action].label.toLowerCase()}</button>
    <a href="/jobs/${jobId}">No, back to the job</a>
  </form>`;
}

function transferView(t: TransferView): SafeHtml {
  const ok = t.outcome === 'ok';
  return html`<li class="transfer outcome-${t.outcome}" data-transfer="${t.id}" data-endpoint="${t.endpoint}" data-outcome="${t.outcome}">
    <details${ok ? '' : html` open`}>
      <summary>
        <span class="method">${t.method}</span> <span>${systemName(t.system)} ${t.endpoint}</span>
        ${t.step !== undefined ? html`<span class="muted">step ${t.step + 1}</span>` : ''}
        ${t.attempt > 1 ? html`<span class="muted">attempt ${t.attempt}</span>` : ''}
        <span class="status">${t.status ?? (t.outcome === 'pending' ? 'waiting' : 'no answer')}</span>
        <span class="muted">${t.durationMs === null ? '' : `${t.durationMs} ms`}</span>
        <span class="outcome">${t.outcome}</span>
      </summary>
      <p class="url"><code>${t.url}</code></p>
      ${t.error ? html`<p class="detail">${t.error}</p>` : ''}
      <div class="bodies">
        <div><h4>Request</h4>${jsonBlock(t.requestBody)}</div>
        <div><h4>Response</h4>${jsonBlock(t.responseBody)}</div>
      </div>
    </details>
  </li>`;
}

/** Pretty JSON, redacted once more here: the page is the last place a secret could leak. */
export function jsonBlock(value: unknown): SafeHtml {
  if (value === null || value === undefined) return html`<p class="muted">none</p>`;
  const text = typeof value === 'string' ? value : JSON.stringify(redactValue(value), null, 2);
  return html`<pre class="json" tabindex="0">${text}</pre>`;
}
