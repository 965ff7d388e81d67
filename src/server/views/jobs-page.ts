import { html, query, type SafeHtml } from '../html.ts';
import { FLOWS, FLOW_LABELS, JOB_STATES, type JobQuery, type JobSummary } from '../ports.ts';
import { stateBadge, when } from './layout.ts';

export function jobsBody(input: { query: JobQuery; jobs: JobSummary[]; total: number; profiles: string[]; nowMs: number }): SafeHtml {
  const { query: q, jobs, total, nowMs } = input;
  const first = total === 0 ? 0 : q.offset + 1;
  const last = q.offset + jobs.length;
  const page = (offset: number): string =>
    `/jobs${query({ state: q.state, profile: q.profile, flow: q.flow, text: q.text, from: q.from, to: q.to, limit: q.limit === 50 ? undefined : q.limit, offset: offset || undefined })}`;
  const csv = `/jobs.csv${query({ state: q.state, profile: q.profile, flow: q.flow, text: q.text, from: q.from, to: q.to })}`;
  return html`<h1>Jobs</h1>
  <form method="get" action="/jobs" class="filters" role="search" aria-label="Filter jobs">
    <label>State <select name="state"><option value="">any</option>${JOB_STATES.map((s) => html`<option value="${s}"${q.state === s ? html` selected` : ''}>${s}</option>`)}</select></label>
    <label>Profile <select name="profile"><option value="">any</option>${input.profiles.map((p) => html`<option value="${p}"${q.profile === p ? html` selected` : ''}>${p}</option>`)}</select></label>
    <label>Flow <select name="flow"><option value="">any</option>${FLOWS.map((f) => html`<option value="${f}"${q.flow === f ? html` selected` : ''}>${FLOW_LABELS[f]}</option>`)}</select></label>
    <label>Search <input type="search" name="text" value="${q.text ?? ''}" placeholder="order, part, design, customer, error, sales order"></label>
    <label>Created from <input type="date" name="from" value="${q.from ?? ''}"></label>
    <label>to <input type="date" name="to" value="${q.to ?? ''}"></label>
    <button type="submit">Filter</button>
    <a href="${csv}" data-export download>Export CSV</a>
  </form>
  <p class="muted" data-total="${total}">${total === 0 ? 'No jobs match.' : `Showing ${first}–${last} of ${total}, newest first.`}</p>
  ${jobs.length > 0
    ? html`<table class="jobs" data-jobs>
        <thead><tr><th scope="col">Job</th><th scope="col">Flow</th><th scope="col">Profile</th><th scope="col">State</th><th scope="col" class="num">Failed runs</th><th scope="col">Updated</th><th scope="col">Problem</th></tr></thead>
        <tbody>${jobs.map(
          (j) => html`<tr data-job-id="${j.id}" data-state="${j.state}">
            <td><a href="/jobs/${j.id}">${j.key}</a></td>
            <td>${FLOW_LABELS[j.flow]}</td>
            <td>${j.profile}</td>
            <td>${stateBadge(j.state)}</td>
            <td class="num">${j.attempts}</td>
            <td>${when(j.updatedAt, nowMs)}</td>
            <td class="problem">${j.lastError ? html`<code>${j.lastError.code}</code> <span title="${j.lastError.message}">${truncate(problemSummary(j.lastError.message), 140)}</span>` : ''}</td>
          </tr>`,
        )}</tbody>
      </table>`
    : ''}
  <nav class="pager" aria-label="Pages">
    ${q.offset > 0 ? html`<a rel="prev" href="${page(Math.max(0, q.offset - q.limit))}">← Newer</a>` : ''}
    ${last < total ? html`<a rel="next" href="${page(q.offset + q.limit)}">Older →</a>` : ''}
  </nav>`;
}

/**
 * The part of an error message a list can show: translation errors open with a header line
 * ("order 5000 cannot be translated for Cetec (1 problem):") and list each problem as
 * "  - <path>: <message>"; the first problem's message says more than the header.
 */
export function problemSummary(message: string): string {
  const first = /\n\s*- [^\n]*?: ([^\n]+)/.exec(message);
  if (!first) return message;
  const more = message.split(/\n\s*- /).length - 2;
  return more > 0 ? `${first[1]} (+${more} more)` : first[1]!;
}

export function truncate(text: string, n: number): string {
  return text.length <= n ? text : `${text.slice(0, n - 1)}…`;
}
