/**
 * A mapping table of the config file (Paperless operation → Cetec location, ship key → ship-via
 * code, …) and how an operator's entries combine with the built-in defaults:
 *
 * - a plain mapping extends the defaults entry by entry: a new name is added, a default name given
 *   again is overridden, and a name given as `null` removes that default entry;
 * - `{ replace: true, entries: { … } }` is the explicit choice of a whole table of one's own (the
 *   defaults are then not used at all).
 *
 * The result is a plain `Record<string, string>`: the effective table.
 */
import { z } from 'zod';

const extendForm = z.record(z.string(), z.string().min(1).nullable());
const replaceForm = z.strictObject({
  /** The entries below are the whole table; no built-in default is used. */
  replace: z.literal(true),
  entries: z.record(z.string(), z.string().min(1)),
});

export type MappingTableInput = Record<string, string | null> | { replace: true; entries: Record<string, string> };

/** True for the `{ replace: true, … }` form (also used by `extends` merging, which must not mix it with a parent's entries). */
export function isReplaceForm(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && 'replace' in value;
}

/** A mapping-table setting whose built-in entries are `defaults`. */
export function mappingTable(defaults: Readonly<Record<string, string>>) {
  return z
    .custom<MappingTableInput>()
    .transform((value, ctx): Record<string, string> => {
      const replacing = isReplaceForm(value);
      const result = (replacing ? replaceForm : extendForm).safeParse(value, { reportInput: true });
      if (!result.success) {
        for (const issue of result.error.issues) {
          ctx.issues.push({ ...issue, input: 'input' in issue ? issue.input : undefined } as never);
        }
        return z.NEVER;
      }
      if (replacing) return { ...(result.data as z.output<typeof replaceForm>).entries };
      const table: Record<string, string> = { ...defaults };
      for (const [name, target] of Object.entries(result.data as z.output<typeof extendForm>)) {
        if (target === null) delete table[name];
        else table[name] = target;
      }
      return table;
    })
    .default(() => ({ ...defaults }));
}

/** How an effective table relates to its defaults (for doctor and the Mappings page). */
export type TableOrigin = {
  /** Default entries in force unchanged. */
  defaultsInForce: number;
  defaults: number;
  /** Names the operator added, changed, or removed. */
  added: string[];
  overridden: string[];
  removed: string[];
};

export function tableOrigin(effective: Readonly<Record<string, string>>, defaults: Readonly<Record<string, string>>): TableOrigin {
  const names = Object.keys(defaults);
  return {
    defaults: names.length,
    defaultsInForce: names.filter((n) => effective[n] === defaults[n]).length,
    added: Object.keys(effective).filter((n) => !(n in defaults)),
    overridden: names.filter((n) => n in effective && effective[n] !== defaults[n]),
    removed: names.filter((n) => !(n in effective)),
  };
}
