/**
 * Signed webhook pushes (reference §5.10), as Paperless Parts sends them to a URL a shop pastes
 * into its account, shaped like the sample POST body of Paperless Parts' help article "Paperless
 * Parts Streaming API" (https://help.paperlessparts.com/article/424-paperless-parts-streaming-api):
 * `{"created", "data", "object", "type"}` in that order, serialised the way Python's json.dumps
 * writes it (the article's `create_hmac_signature` signs `json.dumps(request_payload)`), signed
 * with `Paperless-Parts-Signature: t=<unix>,v1=<hmac hex>` keyed with the hex-decoded secret.
 * `object` follows the `webhookObject` switch (behaviours.ts).
 */
import { pythonJsonDumps, signatureHeader } from '../../src/systems/paperless/webhook.ts';
import { webhookObjectFor, type PaperlessBehaviours } from './behaviours.ts';
import type { EventRecord, WebhookDelivery } from './state.ts';
import { isoMicros } from './state.ts';

export type WebhookTarget = { url: string; secretHex: string };

export function webhookBody(event: Pick<EventRecord, 'type' | 'created' | 'data'>, objectStyle: PaperlessBehaviours['webhookObject'] = 'by-type'): string {
  return pythonJsonDumps({ created: event.created, data: event.data, object: webhookObjectFor(event.type, objectStyle), type: event.type });
}

export async function deliverWebhook(target: WebhookTarget, event: EventRecord, nowMs: number, objectStyle: PaperlessBehaviours['webhookObject'] = 'by-type'): Promise<WebhookDelivery> {
  const body = webhookBody(event, objectStyle);
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
