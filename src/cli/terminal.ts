/**
 * Output for people at a terminal: colours only when the stream is a TTY (and `NO_COLOR` is not
 * set, or `FORCE_COLOR` asks for them), a progress line on stderr for work that takes more than a
 * couple of seconds, and local times that read well. Scripts (pipes, `--json`) get none of it.
 */
const CODES = { red: 31, green: 32, yellow: 33, dim: 2, bold: 1 } as const;

export function colourOn(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true;
}

export function paint(stream: NodeJS.WriteStream, colour: keyof typeof CODES, text: string): string {
  return colourOn(stream) ? `\u001b[${CODES[colour]}m${text}\u001b[0m` : text;
}

/** Where a progress line is drawn: stderr, or anything shaped like it. */
export type ProgressStream = { isTTY?: boolean; columns?: number; write(text: string): unknown };

export type ProgressOptions = {
  /** How many items there are, when known (`label: 3/10`). */
  total?: number | null;
  /** Asked for no progress (`--json`). */
  quiet?: boolean;
  /** Nothing is drawn before the work has taken this long (default 2 s). */
  afterMs?: number;
  /** Redrawn this often while the work goes on, so that one long wait still shows (default 1 s). */
  everyMs?: number;
  stream?: ProgressStream;
  now?: () => number;
  /** Read before each redraw, only while the line is drawn: a note such as "3 step(s) done". */
  poll?: () => Promise<string | undefined> | string | undefined;
};

export type Progress = {
  /** True when a line may be drawn: stderr is a terminal and no quiet was asked for. */
  readonly active: boolean;
  tick(done: number, note?: string): void;
  /** What is being done now (`fetching order 179`). */
  note(text: string): void;
  /** Clears the line; nothing is drawn afterwards. */
  done(): void;
};

const CLEAR_LINE = '\r\u001b[2K';

/**
 * A one-line progress indicator on stderr (`label: 3/10 note (5 s)`), drawn only on a terminal,
 * never with `quiet`, and only once the work has taken more than `afterMs`; redrawn every
 * `everyMs` (elapsed time, `poll`'s note) and on each tick; cleared when done. Scripts (pipes,
 * `--json`) get none of it.
 */
export function progress(label: string, options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  const now = options.now ?? Date.now;
  const afterMs = options.afterMs ?? 2000;
  const started = now();
  const active = options.quiet !== true && stream.isTTY === true;
  let count: number | null = null;
  let note = '';
  let drawn = false;
  let finished = false;
  let polling = false;
  const draw = (): void => {
    if (!active || finished || now() - started < afterMs) return;
    if (options.poll !== undefined && !polling) {
      polling = true;
      Promise.resolve()
        .then(options.poll)
        .then(
          (text) => {
            if (text !== undefined) note = text;
          },
          () => undefined,
        )
        .finally(() => {
          polling = false;
        });
    }
    const total = options.total ?? null;
    const parts = [count === null ? '' : total === null ? `${count}` : `${count}/${total}`, note].filter((p) => p !== '');
    let line = `${label}: ${parts.join(' ')}${parts.length > 0 ? ' ' : ''}(${Math.round((now() - started) / 1000)} s)`;
    // One line: cut to the terminal's width, so that the next redraw overwrites all of it.
    // (A terminal that reports no size, such as a pseudo-terminal, counts as 80 columns.)
    const width = stream.columns !== undefined && stream.columns > 0 ? stream.columns : 80;
    if (line.length > width - 1) line = `${line.slice(0, Math.max(1, width - 2))}…`;
    stream.write(`${CLEAR_LINE}${line}`);
    drawn = true;
  };
  const timer = active ? setInterval(draw, options.everyMs ?? 1000) : null;
  timer?.unref();
  return {
    active,
    tick(done, text) {
      count = done;
      if (text !== undefined) note = text;
      draw();
    },
    note(text) {
      note = text;
      draw();
    },
    done() {
      finished = true;
      if (timer !== null) clearInterval(timer);
      if (drawn) stream.write(CLEAR_LINE);
      drawn = false;
    },
  };
}

/** Runs `work` with a progress line, cleared when it ends (whichever way). */
export async function withProgress<T>(label: string, options: ProgressOptions, work: (p: Progress) => Promise<T>): Promise<T> {
  const bar = progress(label, options);
  try {
    return await work(bar);
  } finally {
    bar.done();
  }
}

/** Epoch ms as local time for people: `2026-12-03 09:14:05 (3 min ago)`, or `never`. */
export function localTime(ms: number | null, now = Date.now()): string {
  if (ms === null) return 'never';
  const d = new Date(ms);
  const pad = (n: number): string => String(n).padStart(2, '0');
  const stamp = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return `${stamp} (${ago(now - ms)})`;
}

function ago(ms: number): string {
  if (ms < 0) return 'in the future';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s ago`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.round(h / 24)} days ago`;
}
