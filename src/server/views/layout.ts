/**
 * The page frame: skip link, header with navigation (a landmark), `<main id="main">`, and the
 * one stylesheet and one script (both static files, so the CSP needs no inline allowance).
 * `data-refresh` on <main> asks the script to reload the page's main content every N seconds.
 */
import { html, type SafeHtml } from '../html.ts';

export type NavKey = 'overview' | 'jobs' | 'preview' | 'mappings' | 'settings' | 'none';

export type LayoutOptions = {
  title: string;
  active: NavKey;
  /** Signed-in user and the session's CSRF token; absent on the login page. */
  user?: { name: string; csrf: string };
  body: SafeHtml;
  refreshSeconds?: number;
  /** `data-page` on <body>, a stable hook for tests. */
  page: string;
};

const NAV: [NavKey, string, string][] = [
  ['overview', '/', 'Overview'],
  ['jobs', '/jobs', 'Jobs'],
  ['preview', '/preview', 'Preview'],
  ['mappings', '/mappings', 'Mappings'],
  ['settings', '/settings', 'Settings'],
];

export function layout(options: LayoutOptions): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} · shopwire</title>
<link rel="stylesheet" href="/assets/app.css">
<script src="/assets/app.js" defer></script>
</head>
<body data-page="${options.page}">
<a class="skip" href="#main">Skip to content</a>
<header class="top">
  <span class="brand">shopwire</span>
  ${options.user
    ? html`<nav aria-label="Main">
        <ul>${NAV.map(([key, href, label]) => html`<li><a href="${href}"${key === options.active ? html` aria-current="page"` : ''}>${label}</a></li>`)}</ul>
      </nav>
      <form method="post" action="/logout" class="logout">
        <input type="hidden" name="_csrf" value="${options.user.csrf}">
        <span class="muted">${options.user.name}</span> <button type="submit">Log out</button>
      </form>`
    : ''}
</header>
<main id="main" tabindex="-1"${options.refreshSeconds ? html` data-refresh="${options.refreshSeconds}"` : ''}>
${options.body}
</main>
</body>
</html>`.value;
}

/** A short relative time ("3 min ago") with the exact ISO time in a <time> element. */
export function when(iso: string | null | undefined, now: number): SafeHtml {
  if (!iso) return html`<span class="muted">never</span>`;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return html`${iso}`;
  const s = Math.round((now - t) / 1000);
  const abs = Math.abs(s);
  const text =
    abs < 60 ? `${abs} s` : abs < 3600 ? `${Math.round(abs / 60)} min` : abs < 86_400 ? `${Math.round(abs / 3600)} h` : `${Math.round(abs / 86_400)} d`;
  return html`<time datetime="${iso}" title="${iso}">${s >= 0 ? `${text} ago` : `in ${text}`}</time>`;
}

export function stateBadge(state: string): SafeHtml {
  return html`<span class="state state-${state}" data-state="${state}">${state}</span>`;
}

export function errorPage(title: string, message: string, user?: { name: string; csrf: string }): string {
  return layout({ title, active: 'none', page: 'error', ...(user ? { user } : {}), body: html`<h1>${title}</h1><p>${message}</p><p><a href="/">Back to the overview</a></p>` });
}
