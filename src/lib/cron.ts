/**
 * Cron expressions (croner): five fields (minute hour day month weekday), or six with seconds
 * first, in a timezone (IANA name; default the process's). `parseCron` checks an expression once
 * (config load) and returns its next times; it throws a `CronError` saying what is wrong.
 */
import { Cron } from 'croner';

export class CronError extends Error {
  readonly field: 'cron' | 'timezone';
  constructor(message: string, field: 'cron' | 'timezone') {
    super(message);
    this.name = 'CronError';
    this.field = field;
  }
}

export type CronSchedule = {
  expression: string;
  timezone: string | null;
  /** The first time strictly after `after` (epoch ms), or null when the expression matches no later date. */
  next(after: number): number | null;
};

export function parseCron(expression: string, timezone?: string | null): CronSchedule {
  let cron: Cron;
  try {
    cron = new Cron(expression, { paused: true, ...(timezone ? { timezone } : {}) });
  } catch (error) {
    throw new CronError(`not a cron expression: ${JSON.stringify(expression)}: ${(error as Error).message.replace(/^CronPattern: /, '')} (five fields: minute hour day month weekday, or six with seconds first)`, 'cron');
  }
  const next = (after: number): number | null => cron.nextRun(new Date(after))?.getTime() ?? null;
  let first: number | null;
  try {
    first = next(Date.now());
  } catch (error) {
    if (timezone) throw new CronError(`not a timezone: ${JSON.stringify(timezone)} (an IANA name such as "Europe/Berlin" or "America/Chicago")`, 'timezone');
    throw new CronError(`${JSON.stringify(expression)}: ${(error as Error).message}`, 'cron');
  }
  if (first === null) throw new CronError(`${JSON.stringify(expression)} matches no date from now on`, 'cron');
  return { expression, timezone: timezone ?? null, next };
}
