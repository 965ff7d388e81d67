/**
 * Where notifications go: webhooks (generic JSON, or the payloads Slack and Microsoft Teams
 * incoming webhooks take) and e-mail over SMTP (nodemailer). Webhook URLs are secrets (a Slack or
 * Teams URL is its own credential), so the config names them (`urlEnv`) and they never appear in
 * logs. TLS is always verified; an SMTP server without TLS is accepted only on a loopback address.
 */
import nodemailer from 'nodemailer';
import { ShopwireError } from '../lib/errors.ts';
import type { Channel, Notification } from './notifier.ts';

export type WebhookFormat = 'generic' | 'slack' | 'teams';

export function webhookBody(format: WebhookFormat, n: Notification): unknown {
  const text = `${n.title}\n${n.lines.map((l) => `• ${l}`).join('\n')}`;
  switch (format) {
    case 'slack':
      return { text };
    case 'teams':
      return { '@type': 'MessageCard', '@context': 'https://schema.org/extensions', summary: n.title, title: n.title, text: n.lines.join('\n\n') };
    case 'generic':
      return { source: 'shopwire', profile: n.profile, at: new Date(n.at).toISOString(), title: n.title, lines: n.lines, events: n.events, text };
  }
}

export function webhookChannel(options: { name: string; url: string; format: WebhookFormat; timeoutMs?: number }): Channel {
  return {
    name: options.name,
    async send(n) {
      let res: Response;
      try {
        res = await fetch(options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'shopwire' },
          body: JSON.stringify(webhookBody(options.format, n)),
          signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        });
      } catch (error) {
        throw new ShopwireError(`webhook ${options.name}: ${(error as Error).message}`, { code: 'notify.webhook_failed', kind: 'transient' });
      }
      await res.arrayBuffer().catch(() => undefined);
      if (!res.ok) throw new ShopwireError(`webhook ${options.name}: answered ${res.status}`, { code: 'notify.webhook_refused', kind: 'transient' });
    },
  };
}

export type SmtpSettings = { host: string; port: number; tls: 'starttls' | 'implicit' | 'none'; user?: string; password?: string; from: string; to: string[] };

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

export function emailChannel(options: { name: string; smtp: SmtpSettings }): Channel {
  const s = options.smtp;
  if (s.tls === 'none' && !LOOPBACK.test(s.host)) {
    throw new ShopwireError(`e-mail ${options.name}: tls: none is only allowed for a loopback SMTP server, not ${s.host}`, { code: 'notify.insecure_smtp', kind: 'config' });
  }
  const transport = nodemailer.createTransport({
    host: s.host,
    port: s.port,
    secure: s.tls === 'implicit',
    requireTLS: s.tls === 'starttls',
    ignoreTLS: s.tls === 'none',
    ...(s.user !== undefined ? { auth: { user: s.user, pass: s.password ?? '' } } : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  return {
    name: options.name,
    async send(n) {
      await transport.sendMail({ from: s.from, to: s.to, subject: n.title, text: `${n.lines.join('\n\n')}\n\n— shopwire (profile ${n.profile})\n` });
    },
  };
}
