/**
 * Preview: a source document in, its plan out, nothing sent. The server calls a `Previewer`;
 * `preview.ts` builds the real one over the translators and the config's translation options.
 */
import type { Plan } from '../translate/plan.ts';

export const PREVIEW_KINDS = ['order', 'design'] as const;
export type PreviewKind = (typeof PREVIEW_KINDS)[number];

export type PreviewProblem = { code: string; message: string; where?: string };

export type PreviewResult = { ok: true; title: string; plan: Plan } | { ok: false; problems: PreviewProblem[] };

export type Previewer = (input: { kind: PreviewKind; document: unknown; profile: string }) => PreviewResult | Promise<PreviewResult>;
