/**
 * A plan as a picture: each BOM definition as an indented tree (part, revision, quantity per
 * parent, routing steps per location), then the sales order with its lines. Used by the job page
 * and the preview page. Stable hooks for tests: `data-step`, `data-part`, `data-kind`.
 */
import type { CetecBomNode, CetecImportOrder } from '../../systems/cetec/schemas.ts';
import type { Plan, PlanWarning } from '../../translate/plan.ts';
import { html, type SafeHtml } from '../html.ts';

export function planView(plan: Plan): SafeHtml {
  if (plan.steps.length === 0) return html`<p>The plan has no steps.</p>`;
  return html`<ol class="plan" data-plan>
    ${plan.steps.map((step, i) =>
      step.kind === 'partrevisiondefinition'
        ? html`<li class="plan-step" data-step="${i}" data-kind="partrevisiondefinition">
            <h3>Step ${i + 1}: BOM and routing of <span class="part">${step.body.prcpart}</span> rev ${step.body.revision_text || '—'}</h3>
            <ul class="tree" role="tree" aria-label="BOM of ${step.body.prcpart}">${bomNode(step.body, true)}</ul>
          </li>`
        : step.kind === 'part'
          ? html`<li class="plan-step" data-step="${i}" data-kind="part">
              <h3>Step ${i + 1}: description of <span class="part">${step.body.prcpart}</span></h3>
              <p>${step.body.description}</p>
            </li>`
          : step.kind === 'current-revision'
            ? html`<li class="plan-step" data-step="${i}" data-kind="current-revision">
                <h3>Step ${i + 1}: make rev ${step.body.revision.revision || '—'} the current revision of <span class="part">${step.body.prcpart}</span></h3>
              </li>`
          : html`<li class="plan-step" data-step="${i}" data-kind="importjson">
              <h3>Step ${i + 1}: sales order</h3>
              ${step.body.map((order) => salesOrder(order))}
            </li>`,
    )}
  </ol>`;
}

function bomNode(node: CetecBomNode, root: boolean): SafeHtml {
  const children = node.bom_definition ?? [];
  const locations = node.locations ?? [];
  return html`<li role="treeitem" aria-expanded="${children.length > 0 ? 'true' : 'false'}" data-part="${node.prcpart}">
    <div class="node">
      ${root ? '' : html`<span class="qty" title="quantity per parent">${node.qty_per_top ?? 1} ×</span>`}
      <span class="part">${node.prcpart}</span>
      ${node.revision_text ? html`<span class="muted">rev ${node.revision_text}</span>` : ''}
      ${node.component !== undefined ? html`<span class="muted">line ${node.component}</span>` : ''}
      ${node.sourcing ? html`<span class="tag">${node.sourcing}</span>` : ''}
      ${node.pick_comments ? html`<span class="muted">${node.pick_comments}</span>` : ''}
    </div>
    ${locations.length > 0
      ? html`<ol class="routing" aria-label="routing of ${node.prcpart}">
          ${[...locations]
            .sort((a, b) => a.build_order - b.build_order)
            .map(
              (loc) => html`<li data-location="${loc.location_external_key}">
                <span class="step-no">${loc.build_order}</span>
                <span class="location">${loc.location_external_key}</span>
                ${loc.lead_time !== undefined ? html`<span class="muted">outside, lead ${loc.lead_time} d</span>` : ''}
                ${(loc.operations ?? [])
                  .sort((a, b) => a.place_in_line - b.place_in_line)
                  .map(
                    (op) => html`<span class="op">${op.operation_external_key}${op.setup ? ' (setup)' : ''}${op.repetitions !== 1 ? ` ×${op.repetitions}` : ''}${
                      op.instructions.length > 0 ? html`<span class="muted"> — ${op.instructions.map((x) => x.instruction).join('; ')}</span>` : ''
                    }</span>`,
                  )}
              </li>`,
            )}
        </ol>`
      : ''}
    ${children.length > 0 ? html`<ul role="group">${children.map((c) => bomNode(c, false))}</ul>` : ''}
  </li>`;
}

function salesOrder(order: CetecImportOrder): SafeHtml {
  const facts: [string, string | undefined][] = [
    ['Customer', order.customer_name],
    ['Customer no.', order.customer_custnum],
    ['PO', order.po],
    ['Ship via', order.ship_via],
    ['Shipping instructions', order.shipping_instructions],
    ['Terms', order.terms_description ?? order.terms_external_key],
    ['Location', order.location],
    ['Ship to', [order.shipto_name, order.shipto_address_1, order.shipto_city, order.shipto_state, order.shipto_zip].filter(Boolean).join(', ')],
    ['External key', order.external_key],
    ['Place order', order.place_order ? 'yes' : 'no (quote only)'],
  ];
  return html`<div class="sales-order" data-external-key="${order.external_key}">
    <dl class="facts">${facts.filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>
    <table class="lines">
      <caption>Sales order lines</caption>
      <thead><tr><th scope="col">Part</th><th scope="col">Rev</th><th scope="col" class="num">Qty</th><th scope="col" class="num">Unit price</th><th scope="col">Due</th><th scope="col">Description</th></tr></thead>
      <tbody>
        ${order.lines.map(
          (line) => html`<tr data-part="${line.prcpart}"><td class="part">${line.prcpart}</td><td>${line.revision}</td><td class="num">${line.qty}</td><td class="num">${line.resale}</td><td>${line.due_date}</td><td>${line.description}</td></tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

export function warningsView(warnings: readonly PlanWarning[]): SafeHtml {
  if (warnings.length === 0) return html``;
  return html`<section aria-labelledby="warnings-h" class="warnings" data-warnings>
    <h2 id="warnings-h">Warnings (${warnings.length})</h2>
    <ul>${warnings.map((w) => html`<li data-code="${w.code}"><code>${w.code}</code> ${w.message}</li>`)}</ul>
  </section>`;
}
