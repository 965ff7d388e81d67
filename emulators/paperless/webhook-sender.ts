/**
 * Signed webhook pushes (reference §5.10), as Paperless Parts sends them to a URL a shop pastes
 * into its account: JSON `{type, created, object, data}` serialised the way Python's json.dumps
 * writes it, signed with `Paperless-Parts-Signature: t=<unix>,v1=<hmac hex>`.
 * ASSUMPTION: `object` holds the literal "event" (CARBON shows the key, not its value).
 */
import { pythonJsonDumps, signatureHeader } from '../../src/systems/paperless/webhook.ts';
import type { EventRecord, WebhookDelivery } from './state.ts';
import { isoMicros } from './state.ts';

export type WebhookTarget = { url: string; secretHex: string };

export function webhookBody(event: EventRecord): string {
  return pythonJsonDumps({ type: event.type, created: event.created, object: 'event', data: event.data });
}

export async function deliverWebhook(target: WebhookTarget, event: EventRecord, nowMs: number): Promise<WebhookDelivery> {
  const body = webhookBody(event);
  const at = isoMicros(nowMs);
  try {
    const response = await fetch(target.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'paperless-parts-signature': signatureHeader(body, Math.floor(nowMs / 1000), target.secretHex),
      },
      body,
      signal: AbortSignal.timeout(5000),
    });
    await response.arrayBuffer();
    return { eventUuid: event.uuid, url: target.url, status: response.status, error: null, at };
  } catch (error) {
    return { eventUuid: event.uuid, url: target.url, status: null, error: (error as Error).message, at };
  }
}
