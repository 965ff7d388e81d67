/**
 * SQL as data: every statement is a named function returning `{ text, values }`; values always
 * travel as parameters. The two dialects differ in placeholders (`?` versus `$1`), in a few
 * clauses (row locks, case-insensitive LIKE) and in column types (migrations); `Dialect` holds
 * exactly those differences so the statement text is written once (store/sql/*.ts), while the
 * one statement whose strategy differs (claiming) lives in each dialect's own folder.
 */
export type Statement = { text: string; values: unknown[] };

export type Dialect = {
  name: 'sqlite' | 'postgres';
  placeholder(index: number): string;
  /** Appended to a SELECT that picks rows to lock for the rest of the transaction. */
  forUpdate: string;
  /** Case-insensitive LIKE operator. */
  ilike: string;
};

/** A fragment inserted verbatim (column lists, dialect clauses); never user input. */
export class Raw {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

export const raw = (text: string): Raw => new Raw(text);

export type SqlTag = (strings: TemplateStringsArray, ...values: unknown[]) => Statement;

/** A tagged template that turns `${value}` into a placeholder and collects the value. */
export function sqlFor(dialect: Dialect): SqlTag {
  return (strings, ...values) => {
    let text = strings[0] ?? '';
    const params: unknown[] = [];
    values.forEach((value, i) => {
      if (value instanceof Raw) text += value.text;
      else {
        params.push(value);
        text += dialect.placeholder(params.length);
      }
      text += strings[i + 1] ?? '';
    });
    return { text: text.replace(/\s+/g, ' ').trim(), values: params };
  };
}

/** `(?, ?, …)`: one placeholder per value, for `IN`; `merge` it after the text that ends in `IN`. */
export function valueList(dialect: Dialect, values: readonly unknown[]): Statement {
  return { text: `(${values.map((_, i) => dialect.placeholder(i + 1)).join(', ')})`, values: [...values] };
}

export type Row = Record<string, unknown>;

/** What the store core asks of a driver: run one statement, or several in one transaction. */
export interface SqlDb {
  all(statement: Statement): Promise<Row[]>;
  /** Number of rows changed. */
  run(statement: Statement): Promise<number>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
  /** Runs `fn` in a transaction that takes the write lock at once (SQLite: BEGIN IMMEDIATE). */
  transaction<T>(fn: (tx: SqlDb) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
