/**
 * The notification tests' receivers on loopback: a webhook receiver (a node:http server recording
 * each POST's path and JSON body, answering 200 after `webhookDelayMs`) and an SMTP server
 * (smtp-server) recording each mail's envelope and raw data.
 */
import { createServer } from 'node:http';
import { SMTPServer } from 'smtp-server';

export type Posted<B> = { path: string; body: B };
export type Mail = { from: string; to: string[]; data: string };

export type Receivers<B> = {
  /** The webhook receiver's base URL (`http://127.0.0.1:<port>`); a channel posts to `${url}/<path>`. */
  url: string;
  smtpPort: number;
  posted: Posted<B>[];
  mails: Mail[];
  /** How long the webhook receiver waits before answering; may be changed while running. */
  webhookDelayMs: number;
  close(): Promise<void>;
};

export async function startReceivers<B = Record<string, unknown>>(options: { webhookDelayMs?: number } = {}): Promise<Receivers<B>> {
  const posted: Posted<B>[] = [];
  const mails: Mail[] = [];
  const http = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      posted.push({ path: req.url ?? '', body: JSON.parse(body) as B });
      const delayMs = receivers.webhookDelayMs;
      if (delayMs > 0) setTimeout(() => res.writeHead(200).end('ok'), delayMs);
      else res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      let data = '';
      stream.on('data', (c: Buffer) => (data += c.toString('utf8')));
      stream.on('end', () => {
        mails.push({ from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address, to: session.envelope.rcptTo.map((r) => r.address), data });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const receivers: Receivers<B> = {
    url: `http://127.0.0.1:${(http.address() as { port: number }).port}`,
    smtpPort: (smtp.server.address() as { port: number }).port,
    posted,
    mails,
    webhookDelayMs: options.webhookDelayMs ?? 0,
    async close() {
      await new Promise((resolve) => http.close(resolve));
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    },
  };
  return receivers;
}
