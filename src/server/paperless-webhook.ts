/**
 * Paperless Parts' signed webhooks (reference paperless-parts.md §5.10), one route per profile:
 * `POST /paperless/webhook/<profile>`. A push is accepted only with a valid
 * `Paperless-Parts-Signature` whose timestamp is within the tolerance (an old, captured request
 * cannot be replayed), and is deduplicated twice: the signed body is kept in the profile's event
 * inbox (a repeat is answered `duplicate` and does nothing), and the order becomes the same job
 * whatever else asked for it. Only `order.created` / `order.status_changed` enqueue work.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { verifyWebhook } from '../systems/paperless/webhook.ts';

export type WebhookSink = {
  /** Stores the event by id; false when it was stored before (a repeat). */
  remember(eventId: string, type: string, created: string, body: unknown): Promise<boolean>;
  /** Enqueues the export of one order (and marks the event handled); returns the job id. */
  enqueueOrder(orderNumber: number, eventId: string): Promise<string>;
};

export type PaperlessWebhookOptions = {
  profile: string;
  secretHex: string;
  toleranceSeconds?: number;
  sink: WebhookSink;
  bodyLimitBytes?: number;
  now?: () => number;
};

const ORDER_EVENTS = new Set(['order.created', 'order.status_changed']);

export async function paperlessWebhook(app: FastifyInstance, options: PaperlessWebhookOptions): Promise<void> {
  const now = options.now ?? Date.now;
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: options.bodyLimitBytes ?? 256 * 1024 }, (_req, body, done) => done(null, body));
  app.post(`/paperless/webhook/${encodeURIComponent(options.profile)}`, async (request, reply) => {
    const raw = typeof request.body === 'string' ? request.body : '';
    const header = request.headers['paperless-parts-signature'];
    const verdict = verifyWebhook({
      rawBody: raw,
      header: Array.isArray(header) ? header[0] : header,
      secretHex: options.secretHex,
      nowSeconds: Math.floor(now() / 1000),
      ...(options.toleranceSeconds === undefined ? {} : { toleranceSeconds: options.toleranceSeconds }),
    });
    if (!verdict.ok) {
      const status = verdict.reason === 'bad-json' || verdict.reason === 'not-an-event' ? 400 : 401;
      return reply.code(status).send({ error: verdict.reason, message: `webhook refused: ${verdict.reason}` });
    }
    const event = verdict.event;
    // The signature covers timestamp and body, so together they identify this push.
    const eventId = `webhook:${createHash('sha256').update(`${verdict.timestamp}.${raw}`).digest('hex').slice(0, 32)}`;
    const fresh = await options.sink.remember(eventId, event.type, event.created ?? new Date(verdict.timestamp * 1000).toISOString(), event);
    if (!fresh) return reply.send({ received: true, duplicate: true });
    if (!ORDER_EVENTS.has(event.type)) return reply.send({ received: true, ignored: event.type });
    const number = Number(event.data.number);
    if (!Number.isSafeInteger(number) || number <= 0) {
      return reply.code(400).send({ error: 'no-order-number', message: `event ${event.type}: data.number must be an order number, got ${JSON.stringify(event.data.number ?? null)}` });
    }
    const job = await options.sink.enqueueOrder(number, eventId);
    return reply.send({ received: true, job });
  });
}
