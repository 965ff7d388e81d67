import { html, type SafeHtml } from '../html.ts';
import type { PreviewKind, PreviewResult } from '../preview-types.ts';
import { planView, warningsView } from './plan-view.ts';

export function previewBody(input: {
  csrf: string;
  profiles: string[];
  kind: PreviewKind;
  profile: string;
  text: string;
  result: PreviewResult | null;
}): SafeHtml {
  const { result } = input;
  return html`<h1>Preview</h1>
  <p>Paste a Paperless Parts order (JSON) or a CableBuilder design (JSON: one design or the Get Design array) to see the plan shopwire would send to Cetec. Nothing is sent.</p>
  <form method="post" action="/preview" class="preview-form" data-preview-form>
    <input type="hidden" name="_csrf" value="${input.csrf}">
    <fieldset>
      <legend>Document</legend>
      <label><input type="radio" name="kind" value="order"${input.kind === 'order' ? html` checked` : ''}> Paperless Parts order</label>
      <label><input type="radio" name="kind" value="design"${input.kind === 'design' ? html` checked` : ''}> CableBuilder design</label>
      <label>Profile <select name="profile">${input.profiles.map((p) => html`<option value="${p}"${p === input.profile ? html` selected` : ''}>${p}</option>`)}</select></label>
    </fieldset>
    <label for="preview-file">Load from a file (fills the box below)</label>
    <input type="file" id="preview-file" accept=".json,application/json" data-fills="preview-document">
    <label for="preview-document">JSON</label>
    <textarea id="preview-document" name="document" rows="${result === null ? 14 : 6}" spellcheck="false" required>${input.text}</textarea>
    <button type="submit">Show the plan</button>
  </form>
  ${result === null
    ? ''
    : result.ok
      ? html`<section aria-labelledby="result-h" data-preview-result="ok">
          <h2 id="result-h">Plan (${result.plan.steps.length} step${result.plan.steps.length === 1 ? '' : 's'}, not sent)</h2>
          ${result.title ? html`<p>${result.title}</p>` : ''}
          ${warningsView(result.plan.warnings)}
          ${planView(result.plan)}
        </section>`
      : html`<section class="alert" aria-labelledby="result-h" data-preview-result="error" role="alert">
          <h2 id="result-h">This document cannot be translated</h2>
          <ul>${result.problems.map((p) => html`<li><code>${p.code}</code> ${p.where ? html`<strong>${p.where}</strong>: ` : ''}${p.message}</li>`)}</ul>
        </section>`}`;
}
