/** Builds the notifier from the config: each profile's `notify` channels (docs/operations.md). */
import type { Logger } from 'pino';
import type { Config } from '../config/load.ts';
import { emailChannel, webhookChannel } from '../notify/channels.ts';
import { createNotifier, type Channel, type Notifier } from '../notify/notifier.ts';
import type { Hub } from './compose.ts';

export function notifierFor(hub: Pick<Hub, 'store' | 'profiles'>, config: Config, logger?: Logger): Notifier | null {
  const profiles: Parameters<typeof createNotifier>[0]['profiles'] = {};
  for (const profile of hub.profiles) {
    const n = profile.notify;
    if (n === undefined) continue;
    const at = `profiles.${profile.name}.notify`;
    const channels: Channel[] = n.webhooks.map((w, i) => webhookChannel({ name: `${at}.webhooks.${i} (${w.urlEnv}, ${w.format})`, url: config.secret(w.urlEnv, `${at}.webhooks.${i}.urlEnv`), format: w.format }));
    if (n.email !== undefined) {
      const e = n.email;
      channels.push(
        emailChannel({
          name: `${at}.email`,
          smtp: {
            host: e.host,
            port: e.port,
            tls: e.tls,
            ...(e.userEnv ? { user: config.secret(e.userEnv, `${at}.email.userEnv`) } : {}),
            ...(e.passwordEnv ? { password: config.secret(e.passwordEnv, `${at}.email.passwordEnv`) } : {}),
            from: e.from,
            to: e.to,
          },
        }),
      );
    }
    if (channels.length > 0) profiles[profile.name] = { settings: { outageMinutes: n.outageMinutes, minIntervalMinutes: n.minIntervalMinutes }, channels };
  }
  if (Object.keys(profiles).length === 0) return null;
  return createNotifier({ store: hub.store, profiles, ...(logger ? { logger } : {}) });
}
