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

export type Progress = { tick(done: number, note?: string): void; done(): void };

/**
 * A one-line progress indicator on stderr (`label: 3/10`), drawn only on a terminal and only once
 * the work has taken more than `afterMs`; cleared when done.
 */
export function progress(label: string, total: number | null, quiet = false, afterMs = 2000): Progress {
  const stream = process.stderr;
  const started = Date.now();
  let drawn = false;
  const active = !quiet && stream.isTTY === true;
  return {
    tick(done, note) {
      if (!active || Date.now() - started < afterMs) return;
      const count = total === null ? `${done}` : `${done}/${total}`;
      stream.write(`\r\u001b[2K${label}: ${count}${note ? ` ${note}` : ''} (${Math.round((Date.now() - started) / 1000)} s)`);
      drawn = true;
    },
    done() {
      if (drawn) stream.write('\r\u001b[2K');
      drawn = false;
    },
  };
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
