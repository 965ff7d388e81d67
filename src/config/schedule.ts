/** When a profile's discovery runs: its cron expression, else every `everyMinutes` (docs/configuration.md). */
import type { Timing } from '../engine/scheduler.ts';
import { parseCron } from '../lib/cron.ts';
import type { Profile } from './schema.ts';

export function discoveryTiming(profile: Pick<Profile, 'schedule'>): Timing {
  const { cron, timezone, everyMinutes } = profile.schedule;
  return cron === undefined ? { every: everyMinutes * 60_000 } : { cron: parseCron(cron, timezone) };
}
