/** Calendar arithmetic on plain `YYYY-MM-DD` dates, in UTC so no time zone moves a day. */

const MS_PER_DAY = 86_400_000;

function parse(date: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (m === null) return null;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  // Rejects 2021-02-30 and the like, which Date.UTC would roll over.
  return new Date(t).toISOString().slice(0, 10) === date ? t : null;
}

export function isValidDate(date: string): boolean {
  return parse(date) !== null;
}

/**
 * The date `days` before `date`; with `skipWeekends`, only Monday–Friday are counted and the
 * result is never on a weekend. Null when `date` is not a real calendar date.
 */
export function daysBefore(date: string, days: number, skipWeekends: boolean): string | null {
  let t = parse(date);
  if (t === null) return null;
  if (!skipWeekends) return new Date(t - days * MS_PER_DAY).toISOString().slice(0, 10);
  const isWeekend = (ms: number): boolean => {
    const d = new Date(ms).getUTCDay();
    return d === 0 || d === 6;
  };
  let left = days;
  while (left > 0) {
    t -= MS_PER_DAY;
    if (!isWeekend(t)) left--;
  }
  while (isWeekend(t)) t -= MS_PER_DAY;
  return new Date(t).toISOString().slice(0, 10);
}
