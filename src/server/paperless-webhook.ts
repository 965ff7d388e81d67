/**
 * Paperless Parts' signed webhooks (reference paperless-parts.md §5.10), one route per profile:
 * `POST /paperless/webhook/<profile>`. A push is accepted only with a valid
 * `Paperless-Parts-Signature` whose timestamp is within the tolerance (an old, captured request
 * cannot be replayed), and is deduplicated twice: the signed body is kept in the profile's event
 * inbox (a repeat is answered `duplicate` and does nothing), and the order becomes the same job
 * whatever else asked for it.
 *
 * Every documented event type is handled or explicitly ignored, and nothing is left in the inbox
 * that discovery cannot handle (src/engine/event-types.ts):
 * - `order.created` enqueues the order's export at once;
 * - `order.status_changed`, `integration_action.requested`, `integration.turned_on/off` stay in the
 *   inbox for the next discovery pass, which reads them exactly as polled events (a status change of
 *   an exported order is compared with the export there);
 * - the documented types an export does not need (quotes, parts) are recorded as `ignored`;
 * - an undocumented type, or an order event without an order number, is quarantined with its
 *   reason and answered 200: the push was genuine and sending it again cannot help.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { classifyEventType, EVENT_TYPES, orderNumberFrom, quarantineOutcome } from '../engine/event-types.ts';
import { verifyWebhook } from '../systems/paperless/webhook.ts';

export type WebhookSink = {
  /** Stores the event by id; false when it was stored before (a repeat). */
  remember(eventId: string, type: string, created: string, body: unknown): Promise<boolean>;
  /** Enqueues the export of one order (and marks the event handled); returns the job id. */
  enqueueOrder(orderNumber: number, eventId: string): Promise<string>;
  /** Marks the stored event handled with this outcome (ignored or quarantined). */
  settle(eventId: string, outcome: string): Promise<void>;
};

export type PaperlessWebhookOptions = {
  profile: string;
  secretHex: string;
  toleranceSeconds?: number;
  sink: WebhookSink;
  bodyLimitBytes?: number;
  now?: () => number;
};

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
    const kind = classifyEventType(event.type);
    if (kind === 'ignored') {
      await options.sink.settle(eventId, `ignored: ${event.type} is not used by the order export`);
      return reply.send({ received: true, ignored: event.type });
    }
    if (kind === 'unknown') {
      const reason = 'event-type-unknown';
      await options.sink.settle(eventId, quarantineOutcome(reason, `event type ${JSON.stringify(event.type)} is not one Paperless Parts documents; recorded, not acted on`));
      return reply.send({ received: true, quarantined: reason });
    }
    if (kind === 'integration' || event.type === EVENT_TYPES.orderStatusChanged) return reply.send({ received: true, queued: event.type });
    const number = orderNumberFrom(event.data.number);
    if (number === null) {
      const reason = 'order-number-missing';
      await options.sink.settle(eventId, quarantineOutcome(reason, `${event.type} without an order number in data.number (got ${JSON.stringify(event.data.number ?? null)})`));
      return reply.send({ received: true, quarantined: reason });
    }
    const job = await options.sink.enqueueOrder(number, eventId);
    return reply.send({ received: true, job });
  });
}
