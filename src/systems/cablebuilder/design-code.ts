/**
 * The design-code rule of Create Design (reference 5.4, [A-35]). The guide forbids
 * `\ + & # % " '` and "an empty space or multiple concurrent spaces"; `strict` (R1) refuses any
 * whitespace, `lenient` (R2) only runs of two or more spaces and all-blank codes. The hub's client
 * always applies `strict`, which is safe under both readings.
 */
import type { DesignCodeRule } from './assumptions.ts';

export function designCodeProblem(code: string, rule: DesignCodeRule = 'strict'): string | null {
  const bad = /[\\+&#%"']/u.exec(code);
  if (bad) return `character ${JSON.stringify(bad[0])} is not allowed in a design code`;
  if (rule === 'strict') {
    if (/\s/u.test(code)) return 'spaces are not allowed in a design code';
  } else {
    if (/ {2,}/.test(code)) return 'multiple concurrent spaces are not allowed in a design code';
    if (/^\s+$/u.test(code)) return 'a design code may not be only spaces';
  }
  return null;
}
