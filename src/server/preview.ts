/**
 * The real previewer: a pasted document through the same translation the engine uses, with the
 * profile's options, and nothing sent. Data problems come back as a list for the page to show.
 */
import { ShopwireError } from '../lib/errors.ts';
import { designSchema, type CommonDesign } from '../systems/cablebuilder/schemas.ts';
import { designTranslationOptionsSchema } from '../translate/design-to-cetec/options.ts';
import { DesignTranslationError, toDesignPlan } from '../translate/design-to-cetec/plan.ts';
import { parseOrder, summarizeOrder, translateOrder } from '../translate/order-to-cetec/plan.ts';
import type { ServerConfig } from './config-view.ts';
import type { PreviewProblem, PreviewResult, Previewer } from './preview-types.ts';

export function createPreviewer(config: ServerConfig): Previewer {
  return ({ kind, document, profile }) => {
    try {
      return kind === 'design' ? previewDesign(config, document) : previewOrder(config, document, profile);
    } catch (error) {
      return { ok: false, problems: problemsOf(error) };
    }
  };
}

function previewDesign(config: ServerConfig, document: unknown): PreviewResult {
  const list = Array.isArray(document) ? document : [document];
  const parsed = designSchema.array().min(1).safeParse(list);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((i) => ({ code: 'design.shape', where: `design ${i.path.join('.')}`, message: i.message })),
    };
  }
  const translation = (config.cablebuilder as { translation?: unknown } | undefined)?.translation ?? {};
  const options = designTranslationOptionsSchema.parse(translation);
  const designs: CommonDesign[] = parsed.data;
  const plan = toDesignPlan(designs, options);
  const top = plan.steps[0];
  return { ok: true, title: top?.kind === 'partrevisiondefinition' ? `Design → part ${top.body.prcpart} rev ${top.body.revision_text}` : 'Design', plan };
}

function previewOrder(config: ServerConfig, document: unknown, profile: string): PreviewResult {
  const settings = config.profiles[profile];
  if (settings === undefined) return { ok: false, problems: [{ code: 'profile.unknown', message: `no profile named ${profile}` }] };
  const order = parseOrder(document);
  const plan = translateOrder(order, settings.translation, { profile });
  const summary = summarizeOrder(order);
  const items = summary.items.map((i) => `${i.quantity} × ${i.partNumber || '(unnamed part)'}`).join(', ');
  return { ok: true, title: `Order ${summary.number} for ${summary.customer || 'no customer'}: ${items} (total ${summary.total})`, plan };
}

function problemsOf(error: unknown): PreviewProblem[] {
  if (error instanceof DesignTranslationError) return error.problems.map((p) => ({ code: p.code, where: p.where, message: p.message }));
  const details = error instanceof ShopwireError ? error.details : undefined;
  const listed = details?.problems;
  if (Array.isArray(listed)) {
    return listed.map((p: { code?: unknown; message?: unknown; where?: unknown }) => ({
      code: String(p.code ?? 'data'),
      message: String(p.message ?? ''),
      ...(p.where === undefined ? {} : { where: String(p.where) }),
    }));
  }
  if (error instanceof ShopwireError) return [{ code: error.code, message: error.message, ...(error.where ? { where: error.where } : {}) }];
  return [{ code: 'internal', message: (error as Error)?.message ?? String(error) }];
}
