import { html, query, type SafeHtml } from '../html.ts';
import type { FlowOverview, Overview } from '../overview.ts';
import type { QuarantinedItem, SystemStatus } from '../ports.ts';
import { FLOW_LABELS, JOB_STATES } from '../ports.ts';
import { stateBadge, when } from './layout.ts';
import { systemName } from '../../lib/transfer.ts';


export function overviewBody(overview: Overview, nowMs: number, csrf?: string): SafeHtml {
  return html`<h1>Overview</h1>
  ${overview.profiles.length === 0 ? html`<p>No profiles yet.</p>` : ''}
  ${overview.profiles.map(
    (p) => html`<section class="profile" aria-labelledby="profile-${p.profile}" data-profile="${p.profile}">
      <h2 id="profile-${p.profile}">Profile ${p.profile} ${p.paused ? html`<span class="state state-needs-attention" data-paused>paused</span>` : ''}</h2>
      ${p.paused
        ? html`<div class="alert" role="status" data-pause>
            <p>Paused${p.pausedReason ? html`: <span data-pause-reason>${p.pausedReason}</span>` : ''}</p>
            <p>shopwire probes the system that refused it and resumes the profile as soon as it is accepted again.</p>
            ${csrf === undefined
              ? ''
              : html`<form method="post" action="/profiles/${p.profile}/resume" data-confirm="Resume profile ${p.profile} now? Its jobs run again at once.">
                  <input type="hidden" name="_csrf" value="${csrf}">
                  <button type="submit" data-action="resume">Resume now</button>
                </form>`}
          </div>`
        : ''}
      ${(p.systems ?? []).some((s) => s.failingSince !== null)
        ? html`<p class="alert" role="status" data-outage>Outage: ${(p.systems ?? [])
            .filter((s) => s.failingSince !== null)
            .map((s) => systemName(s.system))
            .join(', ')} failing. Jobs wait and are retried; nothing is lost.</p>`
        : ''}
      ${(p.systems ?? []).length > 0 ? systemsTable(p.systems ?? [], nowMs) : ''}
      <dl class="facts inline">
        <dt>Last poll</dt><dd data-last-poll>${when(p.lastPollAt, nowMs)}</dd>
        <dt>Last heartbeat</dt><dd data-last-heartbeat>${when(p.lastHeartbeatAt, nowMs)}</dd>
        <dt>Last success</dt><dd data-last-success>${when(p.lastSuccessAt, nowMs)}</dd>
      </dl>
      <div class="cards">${p.flows.map((f) => flowCard(f, nowMs))}</div>
      ${quarantineTable(p.profile, p.quarantined, p.quarantinedTotal, nowMs)}
    </section>`,
  )}`;
}

function systemsTable(systems: SystemStatus[], nowMs: number): SafeHtml {
  return html`<table class="systems">
    <caption>Outside systems</caption>
    <thead><tr><th scope="col">System</th><th scope="col">State</th><th scope="col">Last error</th><th scope="col">Next try</th></tr></thead>
    <tbody>
      ${systems.map(
        (s) => html`<tr data-system="${s.system}" data-system-state="${s.failingSince === null ? 'ok' : 'failing'}">
          <th scope="row">${systemName(s.system)}</th>
          <td>${s.failingSince === null
            ? html`answering (last answer ${when(s.lastOkAt, nowMs)})`
            : html`<span class="state state-needs-attention">failing</span> since ${when(s.failingSince, nowMs)}, ${s.failures} failure${s.failures === 1 ? '' : 's'}`}</td>
          <td data-last-error>${s.lastError === null ? html`<span class="muted">none</span>` : html`<code>${s.lastError.code}</code> ${s.lastError.message} (${when(s.lastError.at, nowMs)})`}</td>
          <td data-next-try>${s.nextTryAt === null ? html`<span class="muted">—</span>` : when(s.nextTryAt, nowMs)}</td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}

/** Paperless Parts events discovery set aside (they stopped nothing; each says why). */
function quarantineTable(profile: string, items: QuarantinedItem[], total: number, nowMs: number): SafeHtml {
  if (total === 0) return html`<p class="muted" data-quarantined="0">Discovery has set nothing aside.</p>`;
  return html`<table class="quarantine" data-quarantined="${String(total)}">
    <caption>Set aside by discovery (${total}): Paperless Parts events, actions and orders it could not read or act on; nothing else waited for them</caption>
    <thead><tr><th scope="col">When</th><th scope="col">Event</th><th scope="col">Reason</th><th scope="col">What to do</th></tr></thead>
    <tbody>
      ${items.map(
        (q) => html`<tr data-quarantine-reason="${q.reason}" data-profile="${profile}"><td>${when(q.at, nowMs)}</td><td><code>${q.type}</code><br><span class="muted">${q.eventId}</span></td><td><code>${q.reason}</code></td><td>${q.message}</td></tr>`,
      )}
    </tbody>
  </table>`;
}

function flowCard(f: FlowOverview, nowMs: number): SafeHtml {
  const total = JOB_STATES.reduce((n, s) => n + f.counts[s], 0);
  return html`<article class="card" data-flow="${f.flow}" data-profile="${f.profile}">
    <h3>${FLOW_LABELS[f.flow]}</h3>
    <table class="counts">
      <caption class="sr-only">${FLOW_LABELS[f.flow]} jobs of ${f.profile} by state (${total} in all)</caption>
      <tbody>
        ${JOB_STATES.map(
          (s) => html`<tr data-count-state="${s}"><th scope="row">${stateBadge(s)}</th><td class="num"><a href="/jobs${query({ profile: f.profile, flow: f.flow, state: s })}">${f.counts[s]}</a></td></tr>`,
        )}
      </tbody>
    </table>
    <p class="oldest" data-oldest-needs-attention>
      ${f.oldestNeedsAttention
        ? html`Oldest needing attention: <a href="/jobs/${f.oldestNeedsAttention.id}">${f.oldestNeedsAttention.key}</a>, since ${when(f.oldestNeedsAttention.updatedAt, nowMs)}`
        : html`<span class="muted">Nothing needs attention.</span>`}
    </p>
    <figure class="chart">
      ${barChart(f.last24h, 'last 24 hours, per hour', ['24 h ago', 'now'])}
      <figcaption>Last 24 h: ${sum(f.last24h, 'done')} done, ${sum(f.last24h, 'failed')} failed</figcaption>
    </figure>
    <figure class="chart">
      ${barChart(f.last7d, 'last 7 days, per day', ['7 days ago', 'today'])}
      <figcaption>Last 7 days: ${sum(f.last7d, 'done')} done, ${sum(f.last7d, 'failed')} failed</figcaption>
    </figure>
  </article>`;
}

const sum = (b: { done: number; failed: number }[], k: 'done' | 'failed'): number => b.reduce((n, x) => n + x[k], 0);

/** Stacked bars (done below, failed above) in inline SVG; presentation attributes only, no style. */
export function barChart(buckets: { start: string; done: number; failed: number }[], label: string, ends: [string, string]): SafeHtml {
  const width = 240;
  const height = 48;
  const axis = 12;
  const max = Math.max(1, ...buckets.map((b) => b.done + b.failed));
  const slot = width / Math.max(1, buckets.length);
  const bar = Math.max(1, slot - 2);
  return html`<svg class="bars" viewBox="0 0 ${width} ${height + 2 + axis}" width="${width}" height="${height + 2 + axis}" role="img" aria-label="Finished jobs, ${label}: ${sum(buckets, 'done')} done, ${sum(buckets, 'failed')} failed">
    <line x1="0" y1="${height + 1}" x2="${width}" y2="${height + 1}" stroke="#8a8f98" stroke-width="1"/>
    <text x="0" y="${height + axis}" font-size="10" fill="#4d5560">${ends[0]}</text>
    <text x="${width}" y="${height + axis}" font-size="10" fill="#4d5560" text-anchor="end">${ends[1]}</text>
    ${buckets.map((b, i) => {
      const hDone = (b.done / max) * height;
      const hFail = (b.failed / max) * height;
      const x = (i * slot + 1).toFixed(1);
      return html`<g><title>${b.start}: ${b.done} done, ${b.failed} failed</title>
        ${b.done > 0 ? html`<rect x="${x}" y="${(height - hDone).toFixed(1)}" width="${bar.toFixed(1)}" height="${hDone.toFixed(1)}" fill="#2f6f4f"/>` : ''}
        ${b.failed > 0 ? html`<rect x="${x}" y="${(height - hDone - hFail).toFixed(1)}" width="${bar.toFixed(1)}" height="${hFail.toFixed(1)}" fill="#b3261e"/>` : ''}
      </g>`;
    })}
  </svg>`;
}
