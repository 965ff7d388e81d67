/**
 * Data problems found while translating designs. Translation collects every problem it can find
 * in one pass, so the person fixing the design (or the mapping) sees them all at once.
 */
import { ShopwireError } from '../../lib/errors.ts';

export type DesignProblem = {
  /** Stable code, e.g. `bom.quantity-invalid`, `routing.resource-unmapped`. */
  code: string;
  /** `design CABLE_A#0 › operation 10 › layer 10 › position 20`. */
  where: string;
  message: string;
};

export class DesignTranslationError extends ShopwireError {
  readonly problems: DesignProblem[];
  constructor(problems: DesignProblem[]) {
    const first = problems[0];
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
    super(first === undefined ? 'design translation failed' : `${first.where}: ${first.message}${more}`, {
      code: first === undefined ? 'design.invalid' : `design.${first.code}`,
      kind: 'data',
      ...(first === undefined ? {} : { where: first.where }),
      details: { problems },
    });
    this.problems = problems;
  }
}

/** Problems are gathered here while translating, then thrown together. */
export class ProblemList {
  readonly items: DesignProblem[] = [];
  add(code: string, where: string, message: string): void {
    // A sub-design used in several places is translated once per use; report each problem once.
    if (this.items.some((p) => p.code === code && p.where === where && p.message === message)) return;
    this.items.push({ code, where, message });
  }
  throwIfAny(): void {
    if (this.items.length > 0) throw new DesignTranslationError(this.items);
  }
}
