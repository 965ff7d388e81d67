/**
 * The event inbox (Paperless Parts events, each handled once; those discovery set aside are
 * handled with an outcome starting `quarantined`) and the integration actions linked to jobs.
 */
import { redactJson, redactText } from '../../lib/redact.ts';
import { eventStatements } from '../sql/events.ts';
import type { Row } from '../sql/statement.ts';
import type { ActionLink, InboxEvent, Store, StoredEvent } from '../store.ts';
import type { CoreContext } from './context.ts';
import { json, num, one } from './rows.ts';

export function eventMethods(
  ctx: CoreContext,
): Pick<
  Store,
  'saveEvents' | 'unhandledEvents' | 'markEventHandled' | 'quarantinedEvents' | 'countQuarantined' | 'attachAction' | 'setActionStatus' | 'listActions'
> {
  const { db, clock } = ctx;
  const events = eventStatements(ctx.dialect);
  return {
    async saveEvents(profile, list: InboxEvent[]) {
      if (list.length === 0) return 0;
      const now = clock();
      return db.transaction(async (tx) => {
        let added = 0;
        for (const e of list) {
          added += await tx.run(
            events.insertEvent({ profile, uuid: e.uuid, type: e.type, created: e.created, body: redactJson(e.body), now }),
          );
        }
        return added;
      });
    },

    async unhandledEvents(profile, types) {
      return (await db.all(events.selectUnhandled(profile, types))).map(toEvent);
    },

    async markEventHandled(profile, uuid, outcome) {
      await db.run(events.markHandled(profile, uuid, outcome ?? null, clock()));
    },

    async quarantinedEvents(filter) {
      return (await db.all(events.selectQuarantined(filter.profile, filter.limit))).map(toEvent);
    },

    async countQuarantined() {
      return (await db.all(events.countQuarantined())).map((r) => ({ profile: String(r.profile), type: String(r.type), count: Number(r.n) }));
    },

    async attachAction(input) {
      const now = clock();
      return db.transaction(async (tx) => {
        await tx.run(
          events.insertAction({
            actionUuid: input.actionUuid,
            profile: input.profile,
            jobId: input.jobId,
            status: input.status,
            message: input.message ?? null,
            now,
          }),
        );
        return toAction((await one(tx, events.selectAction(input.actionUuid)))!);
      });
    },

    async setActionStatus(actionUuid, status, message) {
      await db.run(events.updateAction(actionUuid, status, message === undefined || message === null ? null : redactText(message), clock()));
    },

    async listActions(filter) {
      return (await db.all(events.selectActions(filter))).map(toAction);
    },
  };
}

function toEvent(r: Row): StoredEvent {
  return {
    profile: String(r.profile),
    uuid: String(r.uuid),
    type: String(r.type),
    created: String(r.created),
    body: json(r.body),
    receivedAt: Number(r.received_at),
    handledAt: num(r.handled_at),
    outcome: r.outcome === null ? null : String(r.outcome),
  };
}

function toAction(r: Row): ActionLink {
  return {
    actionUuid: String(r.action_uuid),
    profile: String(r.profile),
    jobId: String(r.job_id),
    status: String(r.status),
    message: r.message === null ? null : String(r.message),
    updatedAt: Number(r.updated_at),
  };
}
