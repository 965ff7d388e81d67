/**
 * The signed-webhook route's sink (src/server/paperless-webhook.ts) on the store: a push is kept in
 * the profile's event inbox by its id, an `order.created` becomes the order's export job (the same
 * job whatever else asked for it) and marks its event handled, and any other outcome is recorded
 * on the event.
 */
import type { WebhookSink } from '../server/paperless-webhook.ts';
import type { Store } from '../store/store.ts';

export function storeWebhookSink(store: Store, profile: string): WebhookSink {
  return {
    remember: async (uuid, type, created, body) => (await store.saveEvents(profile, [{ uuid, type, created, body }])) === 1,
    enqueueOrder: async (number, eventId) => {
      const { job } = await store.enqueueJob({ flow: 'order-export', profile, key: String(number), trigger: { kind: 'webhook' } });
      await store.markEventHandled(profile, eventId, `job ${job.id}`);
      return job.id;
    },
    settle: (eventId, outcome) => store.markEventHandled(profile, eventId, outcome),
  };
}
