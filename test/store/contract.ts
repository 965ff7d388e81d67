/**
 * The store contract: every adapter must pass these. Run by sqlite.test.ts and postgres.test.ts,
 * each giving a factory for a fresh, empty store (a temporary file or a new schema) and a clock.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Store } from '../../src/store/store.ts';

export type Clock = { now: number; advance(ms: number): void; read: () => number };

export function testClock(start = Date.parse('2026-01-01T00:00:00Z')): Clock {
  const clock: Clock = {
    now: start,
    advance(ms) {
      clock.now += ms;
    },
    read: () => clock.now,
  };
  return clock;
}

export type StoreFactory = (clock: Clock) => Promise<{ store: Store; second?: () => Promise<Store>; cleanup: () => Promise<void> }>;

const order = (key: string, extra: Partial<Parameters<Store['enqueueJob']>[0]> = {}) => ({
  flow: 'order-export' as const,
  profile: 'prod',
  key,
  trigger: { kind: 'schedule' as const },
  ...extra,
});

export function storeContract(name: string, factory: StoreFactory, options: { skip?: string | false } = {}): void {
  describe(`store contract: ${name}`, { skip: options.skip ?? false }, () => {
    const withStore = async (fn: (store: Store, clock: Clock, second?: () => Promise<Store>) => Promise<void>) => {
      const clock = testClock();
      const { store, second, cleanup } = await factory(clock);
      try {
        await store.migrate();
        await fn(store, clock, second);
      } finally {
        await store.close();
        await cleanup();
      }
    };

    it('applies migrations once; a second migrate is a no-op', () =>
      withStore(async (store) => {
        const again = await store.migrate();
        assert.deepEqual(again.applied, []);
      }));

    it('enqueues one job per (flow, profile, key), whatever the trigger', () =>
      withStore(async (store) => {
        const a = await store.enqueueJob(order('179'));
        const b = await store.enqueueJob(order('179', { trigger: { kind: 'integration-action', actionUuid: 'act-1' } }));
        const c = await store.enqueueJob(order('179', { trigger: { kind: 'integration-action', actionUuid: 'act-1' } }));
        const other = await store.enqueueJob(order('179', { profile: 'sandbox' }));
        assert.equal(a.created, true);
        assert.equal(b.created, false);
        assert.equal(b.job.id, a.job.id);
        assert.equal(c.job.triggers.filter((t) => t.actionUuid === 'act-1').length, 1, 'an action is attached once');
        assert.notEqual(other.job.id, a.job.id);
        assert.equal(a.job.state, 'pending');
        assert.equal(a.job.run, 1);
      }));

    it('recognises an identical resend and marks a changed payload for a new run', () =>
      withStore(async (store) => {
        const design = { code: 'D1', wires: 3 };
        const first = await store.enqueueJob({ ...order('D1/A'), flow: 'design-import', payload: design, payloadHash: 'h1' });
        const claimed = await store.claimJob('w1', 60_000);
        assert.equal(claimed?.id, first.job.id);
        await store.finishJob(first.job.id, 'w1', { state: 'done', result: { ok: 1 } });

        const same = await store.enqueueJob({ ...order('D1/A'), flow: 'design-import', payload: design, payloadHash: 'h1' });
        assert.equal(same.changed, false);
        assert.equal(same.job.state, 'done');

        const changed = await store.enqueueJob({ ...order('D1/A'), flow: 'design-import', payload: { ...design, wires: 4 }, payloadHash: 'h2' });
        assert.equal(changed.changed, true);
        assert.equal(changed.job.state, 'pending');
        assert.equal(changed.job.run, 2);
        assert.deepEqual(changed.job.payload, { code: 'D1', wires: 4 });
        assert.equal(changed.job.plan, null);
      }));

    it('a changed payload while running waits for the run to end, then runs again', () =>
      withStore(async (store) => {
        const first = await store.enqueueJob({ ...order('D2/A'), flow: 'design-import', payload: { v: 1 }, payloadHash: 'h1' });
        await store.claimJob('w1', 60_000);
        const changed = await store.enqueueJob({ ...order('D2/A'), flow: 'design-import', payload: { v: 2 }, payloadHash: 'h2' });
        assert.equal(changed.changed, true);
        assert.equal(changed.job.state, 'running');
        const after = await store.finishJob(first.job.id, 'w1', { state: 'done' });
        assert.equal(after.state, 'pending');
        assert.equal(after.run, 2);
        assert.deepEqual(after.payload, { v: 2 });
      }));

    it('two workers racing never claim the same job', () =>
      withStore(async (store, _clock, second) => {
        const other = second ? await second() : store;
        try {
          for (let round = 0; round < 15; round++) {
            const ids = new Set<string>();
            for (let i = 0; i < 4; i++) ids.add((await store.enqueueJob(order(`r${round}-${i}`))).job.id);
            const claims = await Promise.all([
              store.claimJob('a', 60_000),
              other.claimJob('b', 60_000),
              store.claimJob('c', 60_000),
              other.claimJob('d', 60_000),
              store.claimJob('e', 60_000),
            ]);
            const got = claims.filter((j) => j !== null).map((j) => j!.id);
            assert.equal(new Set(got).size, got.length, `round ${round}: a job was claimed twice`);
            assert.equal(got.length, 4, `round ${round}: every runnable job was claimed`);
            for (const j of claims) if (j) await store.finishJob(j.id, j.leaseOwner!, { state: 'done' });
          }
        } finally {
          if (other !== store) await other.close();
        }
      }));

    it('reclaims a job whose lease expired and fences the old holder', () =>
      withStore(async (store, clock) => {
        const { job } = await store.enqueueJob(order('180'));
        await store.claimJob('old', 1_000);
        assert.equal(await store.claimJob('new', 1_000), null, 'a live lease is not claimable');
        clock.advance(1_001);
        const again = await store.claimJob('new', 1_000);
        assert.equal(again?.id, job.id);
        assert.equal(again?.leaseOwner, 'new');
        assert.equal(again?.attempts, 1, 'a lost lease counts as a failed attempt');
        assert.equal(await store.renewLease(job.id, 'old', 1_000), false);
        await assert.rejects(store.finishJob(job.id, 'old', { state: 'done' }), { code: 'store.lease_lost' });
        await assert.rejects(store.markStep(job.id, 'old', { key: 's0', index: 0 }, 'sent'), { code: 'store.lease_lost' });
        assert.equal(await store.renewLease(job.id, 'new', 1_000), true);
        const done = await store.finishJob(job.id, 'new', { state: 'done', result: { quotes: [1] } });
        assert.equal(done.state, 'done');
        assert.deepEqual(done.result, { quotes: [1] });
      }));

    it('enqueues several jobs in one call, each unique per order: again, none is made', () =>
      withStore(async (store) => {
        const existing = (await store.enqueueJob(order('195'))).job;
        const first = await store.enqueueJobs(['194', '195', '196'].map((k) => order(k)));
        assert.deepEqual(first.map((r) => r.created), [true, false, true]);
        assert.equal(first[1]!.job.id, existing.id);
        const again = await store.enqueueJobs(['194', '195', '196'].map((k) => order(k)));
        assert.deepEqual(again.map((r) => r.created), [false, false, false]);
        assert.deepEqual(again.map((r) => r.job.id), first.map((r) => r.job.id));
        assert.equal((await store.listJobs({ limit: 50, offset: 0 })).total, 3);
        assert.deepEqual(await store.enqueueJobs([]), []);
      }));

    it('renews a worker\'s leases in one call, returning only those it still holds', () =>
      withStore(async (store, clock) => {
        for (const key of ['190', '191', '192']) await store.enqueueJob(order(key));
        const claimed: string[] = [];
        for (let i = 0; i < 3; i++) claimed.push((await store.claimJob('W', 1_000))!.id);
        const [p, q, r] = claimed as [string, string, string];
        assert.deepEqual(await store.renewLeases('W', [], 1_000), [], 'nothing to renew');
        clock.advance(900);
        assert.deepEqual((await store.renewLeases('W', claimed, 1_000)).sort(), [...claimed].sort(), 'all three renewed');
        clock.advance(900);
        assert.equal(await store.claimJob('X', 1_000), null, 'renewed leases are not claimable after the first would have run out');
        await store.finishJob(p, 'W', { state: 'done' });
        assert.deepEqual(await store.renewLeases('W', [q], 1_000), [q]);
        clock.advance(200);
        // r's lease ran out (not renewed since): another worker takes it.
        assert.equal((await store.claimJob('X', 1_000))?.id, r);
        assert.deepEqual(await store.renewLeases('W', [p, q, r], 1_000), [q], 'p finished, r is X\'s now');
        assert.deepEqual(await store.renewLeases('X', [q, r], 1_000), [r], 'q is not X\'s');
        assert.equal((await store.getJob(r))?.leaseOwner, 'X', 'a failed renewal changes nothing');
        assert.equal((await store.getJob(q))?.leaseOwner, 'W');
      }));

    it('serialises jobs sharing a top-level part', () =>
      withStore(async (store) => {
        const a = (await store.enqueueJob(order('201'))).job;
        const b = (await store.enqueueJob(order('202'))).job;
        const ca = await store.claimJob('w1', 60_000);
        const cb = await store.claimJob('w2', 60_000);
        assert.equal(ca?.id, a.id);
        assert.equal(cb?.id, b.id);
        assert.equal(await store.savePlan(a.id, 'w1', { steps: [] }, ['bracket-1']), true, 'a takes BRACKET-1 with its plan');
        assert.equal(await store.lockParts(a.id, 'w1', ['BRACKET-1']), true, 'taking a held part again is a no-op');
        assert.equal(await store.savePlan(b.id, 'w2', { steps: [] }, ['BRACKET-1', 'PLATE-2']), false, 'b cannot: a holds BRACKET-1');
        assert.equal(await store.lockParts(b.id, 'w2', ['BRACKET-1', 'PLATE-2']), false);
        await store.finishJob(b.id, 'w2', { state: 'pending' });
        assert.equal(await store.claimJob('w3', 60_000), null, 'b waits while a holds BRACKET-1');
        // Retrying keeps the part: a's BOM is defined, its sales order not yet imported.
        await store.finishJob(a.id, 'w1', { state: 'retrying' });
        const reclaimedA = await store.claimJob('w3', 60_000);
        assert.equal(reclaimedA?.id, a.id);
        await store.finishJob(a.id, 'w3', { state: 'done' });
        const nowB = await store.claimJob('w4', 60_000);
        assert.equal(nowB?.id, b.id);
        assert.deepEqual(nowB?.parts, ['BRACKET-1', 'PLATE-2']);
      }));

    it('racing claimers never lease two jobs sharing a part', () =>
      withStore(async (store, _clock, second) => {
        const other = second ? await second() : store;
        try {
          for (let round = 0; round < 10; round++) {
            const ids: string[] = [];
            for (const n of [1, 2]) {
              const { job } = await store.enqueueJob(order(`p${round}-${n}`));
              ids.push(job.id);
            }
            // Both jobs planned with the same part, neither holding it yet.
            const planned = [await store.claimJob('planner', 60_000), await store.claimJob('planner', 60_000)];
            assert.deepEqual(planned.map((j) => j?.id).sort(), [...ids].sort());
            for (const id of ids) await store.savePlan(id, 'planner', { steps: [] }, [`SHARED-${round}`]);
            for (const id of ids) await store.finishJob(id, 'planner', { state: 'pending', countAttempt: false });
            const claims = (await Promise.all([store.claimJob('a', 60_000), other.claimJob('b', 60_000), store.claimJob('c', 60_000)])).filter((j) => j !== null);
            assert.equal(claims.length, 1, `round ${round}: exactly one of the two jobs runs`);
            await store.finishJob(claims[0]!.id, claims[0]!.leaseOwner!, { state: 'done' });
            const next = await other.claimJob('d', 60_000);
            assert.ok(next !== null && next.id !== claims[0]!.id, `round ${round}: the other job runs once the first is done`);
            await other.finishJob(next.id, 'd', { state: 'done' });
          }
        } finally {
          if (other !== store) await other.close();
        }
      }));

    it('keeps checkpoints per step and run; replay starts a new run', () =>
      withStore(async (store) => {
        const { job } = await store.enqueueJob(order('300'));
        await store.claimJob('w', 60_000);
        await store.markStep(job.id, 'w', { key: '0:bom', index: 0 }, 'sent');
        await store.markStep(job.id, 'w', { key: '0:bom', index: 0 }, 'done');
        await store.markStep(job.id, 'w', { key: 'importjson:k', index: 1 }, 'done', { quotes: [5], orders: [6] });
        const cps = await store.getCheckpoints(job.id);
        assert.deepEqual(
          cps.map((c) => [c.stepKey, c.status, c.run]),
          [
            ['0:bom', 'done', 1],
            ['importjson:k', 'done', 1],
          ],
        );
        assert.deepEqual(cps[1]!.result, { quotes: [5], orders: [6] });
        await store.finishJob(job.id, 'w', { state: 'done', result: { quotes: [5] } });
        const replay = await store.replayJob(job.id);
        assert.equal(replay.ok, true);
        assert.equal(replay.ok && replay.job.run, 2);
        assert.equal((await store.getCheckpoints(job.id)).length, 2, 'earlier runs keep their checkpoints');
        const bad = await store.retryJob(job.id);
        assert.deepEqual(bad.ok ? null : bad.code, 'invalid-state');
      }));

    it('operators retry and cancel; cancelled jobs are not claimed', () =>
      withStore(async (store) => {
        const { job } = await store.enqueueJob(order('400'));
        await store.claimJob('w', 60_000);
        const failed = await store.finishJob(job.id, 'w', {
          state: 'needs-attention',
          error: { code: 'x', kind: 'data', message: 'order 400 › item 0 › component C › material missing' },
        });
        assert.equal(failed.attempts, 1);
        assert.equal(failed.lastError?.kind, 'data');
        const retried = await store.retryJob(job.id);
        assert.equal(retried.ok && retried.job.state, 'pending');
        const cancelled = await store.cancelJob(job.id, 'not wanted');
        assert.equal(cancelled.ok && cancelled.job.state, 'cancelled');
        assert.equal(await store.claimJob('w', 60_000), null);
        assert.deepEqual(await store.retryJob('999999'), { ok: false, code: 'not-found', reason: 'no job 999999' });
      }));

    it('a done job whose source changed is flagged needs-attention, keeping its result; only done jobs can be', () =>
      withStore(async (store) => {
        const { job } = await store.enqueueJob(order('410'));
        await store.claimJob('w', 60_000);
        await store.finishJob(job.id, 'w', { state: 'done', result: { imports: [] } });
        const flagged = await store.flagJob(job.id, { code: 'paperless.order_changed_after_export', kind: 'data', message: 'order 410 is now "cancelled"' });
        assert.equal(flagged.ok && flagged.job.state, 'needs-attention');
        assert.equal(flagged.ok && flagged.job.lastError?.code, 'paperless.order_changed_after_export');
        assert.deepEqual(flagged.ok && flagged.job.result, { imports: [] });
        assert.equal(await store.claimJob('w', 60_000), null, 'nothing runs');
        const again = await store.flagJob(job.id, { code: 'x', kind: 'data', message: 'y' });
        assert.equal(again.ok ? null : again.code, 'invalid-state');
      }));

    it('lists and counts quarantined events, newest first', () =>
      withStore(async (store) => {
        await store.saveEvents('prod', [
          { uuid: 'e1', type: 'order.teleported', created: '2026-01-01T00:00:00Z', body: {} },
          { uuid: 'e2', type: 'integration_action.requested', created: '2026-01-01T00:00:01Z', body: {} },
          { uuid: 'e3', type: 'order.created', created: '2026-01-01T00:00:02Z', body: {} },
        ]);
        await store.markEventHandled('prod', 'e1', 'quarantined event-type-unknown: x');
        await store.markEventHandled('prod', 'e2', 'quarantined action-not-found: y');
        await store.markEventHandled('prod', 'e3', 'job 1');
        assert.deepEqual((await store.quarantinedEvents({ limit: 10 })).map((e) => e.uuid).sort(), ['e1', 'e2']);
        assert.deepEqual(await store.quarantinedEvents({ profile: 'other', limit: 10 }), []);
        assert.deepEqual(
          (await store.countQuarantined()).map((c) => [c.type, c.count]),
          [['integration_action.requested', 1], ['order.teleported', 1]],
        );
      }));

    it('does not claim jobs of a paused profile', () =>
      withStore(async (store) => {
        await store.enqueueJob(order('500'));
        await store.updateProfile('prod', { paused: true, pausedReason: 'Cetec refused the token' });
        assert.equal(await store.claimJob('w', 60_000), null);
        const p = await store.getProfile('prod');
        assert.equal(p.pausedReason, 'Cetec refused the token');
        await store.updateProfile('prod', { paused: false });
        assert.notEqual(await store.claimJob('w', 60_000), null);
        assert.equal((await store.getProfile('prod')).pausedReason, null);
      }));

    it('retrying jobs wait for next_attempt_at', () =>
      withStore(async (store, clock) => {
        const { job } = await store.enqueueJob(order('600'));
        await store.claimJob('w', 60_000);
        await store.finishJob(job.id, 'w', { state: 'retrying', nextAttemptAt: clock.now + 5_000, error: { code: 't', kind: 'transient', message: 'down' } });
        assert.equal(await store.claimJob('w', 60_000), null);
        clock.advance(5_000);
        assert.equal((await store.claimJob('w', 60_000))?.id, job.id);
      }));

    it('lists newest first, filters, counts', () =>
      withStore(async (store, clock) => {
        for (const key of ['1', '2', '3']) {
          await store.enqueueJob(order(key));
          clock.advance(10);
        }
        await store.enqueueJob({ ...order('D/1'), flow: 'design-import' });
        const all = await store.listJobs({ limit: 2, offset: 0 });
        assert.equal(all.total, 4);
        assert.deepEqual(all.jobs.map((j) => j.key), ['D/1', '3']);
        const filtered = await store.listJobs({ flow: 'order-export', text: '2', limit: 10, offset: 0 });
        assert.deepEqual(filtered.jobs.map((j) => j.key), ['2']);
        const counts = await store.countJobs();
        assert.deepEqual(counts.find((c) => c.flow === 'order-export'), { flow: 'order-export', profile: 'prod', state: 'pending', count: 3 });
        assert.equal(await store.oldestRunnableAt(), Date.parse('2026-01-01T00:00:00Z'));
        // The search also reads the error text and the result (Cetec numbers); dates bound creation.
        const one = (await store.claimJob('w', 60_000))!;
        await store.finishJob(one.id, 'w', { state: 'needs-attention', error: { code: 'order.untranslatable', kind: 'data', message: 'operation "Levitation" has no Cetec location' } });
        const two = (await store.claimJob('w', 60_000))!;
        await store.finishJob(two.id, 'w', { state: 'done', result: { quotes: [987654], orders: [456789] } });
        assert.deepEqual((await store.listJobs({ text: 'levitation', limit: 10, offset: 0 })).jobs.map((j) => j.id), [one.id]);
        assert.deepEqual((await store.listJobs({ text: '456789', limit: 10, offset: 0 })).jobs.map((j) => j.id), [two.id]);
        const created = Date.parse('2026-01-01T00:00:00Z');
        assert.equal((await store.listJobs({ createdFrom: created + 10, limit: 10, offset: 0 })).total, 3);
        assert.equal((await store.listJobs({ createdFrom: created, createdBefore: created + 10, limit: 10, offset: 0 })).total, 1);
      }));

    it('deferred answers and checkpoints commit with the job\'s next write, or alone when it fails', () =>
      withStore(async (store) => {
        const { job } = await store.enqueueJob(order('710'));
        await store.claimJob('w', 60_000);
        const recorder = store.recorderFor(job.id, { deferEnds: true });
        const call = { system: 'cetec', endpoint: 'partrevisiondefinition', method: 'POST', url: 'http://127.0.0.1/api/partrevisiondefinition', requestBody: {}, step: 0, attempt: 1 } as const;
        const first = await recorder.start(call);
        await recorder.end(first, { status: 200, responseBody: { ok: true }, durationMs: 5, outcome: 'ok' });
        await store.markStep(job.id, 'w', { key: '0:bom', index: 0 }, 'done', undefined, { deferred: true });
        assert.equal((await store.listTransfers(job.id))[0]!.outcome, 'pending', 'the answer waits for the next commit');
        assert.deepEqual(await store.getCheckpoints(job.id), [], 'so does the deferred checkpoint');
        // The next call's record is that commit.
        const second = await recorder.start({ ...call, step: 1 });
        assert.equal((await store.listTransfers(job.id))[0]!.outcome, 'ok');
        assert.deepEqual((await store.getCheckpoints(job.id)).map((c) => [c.stepKey, c.status]), [['0:bom', 'done']]);
        // A lost lease: the job's next write fails, the answer is kept, the deferred checkpoint is dropped.
        await recorder.end(second, { status: 200, responseBody: { ok: true }, durationMs: 5, outcome: 'ok' });
        await store.markStep(job.id, 'w', { key: '1:bom', index: 1 }, 'done', undefined, { deferred: true });
        const stolen = await store.claimJob('other', 60_000, Date.now() + 3_600_000);
        assert.equal(stolen?.id, job.id, 'the lease expired and another worker took the job');
        await assert.rejects(store.markStep(job.id, 'w', { key: 'importjson:k', index: 2 }, 'sent'), /lease/i);
        assert.deepEqual((await store.listTransfers(job.id)).map((t) => t.outcome), ['ok', 'ok']);
        assert.deepEqual((await store.getCheckpoints(job.id)).map((c) => c.stepKey), ['0:bom']);
        await store.flushJobWrites(job.id);
      }));

    it('counts finished jobs per hour window by profile, flow and end state', () =>
      withStore(async (store, clock) => {
        const HOUR = 3_600_000;
        const from = clock.now;
        const finish = async (key: string, state: 'done' | 'needs-attention', profile = 'prod') => {
          const { job } = await store.enqueueJob(order(key, { profile }));
          const claimed = await store.claimJob('w', 60_000);
          assert.equal(claimed?.id, job.id);
          await store.finishJob(job.id, 'w', { state });
        };
        await finish('h0-a', 'done');
        await finish('h0-b', 'needs-attention');
        clock.advance(HOUR + 5);
        await finish('h1-a', 'done');
        await finish('h1-b', 'done');
        await finish('h1-c', 'done', 'sandbox');
        await store.enqueueJob(order('still-pending', { runAt: clock.now + 100 * HOUR }));
        clock.advance(2 * HOUR);
        await finish('h3-outside', 'done');
        const rows = await store.countFinished({ from, bucketMs: HOUR, buckets: 3 });
        const key = (r: { profile: string; state: string; bucket: number; count: number }) => `${r.profile} ${r.state} ${r.bucket} ${r.count}`;
        assert.deepEqual(rows.map(key).sort(), ['prod done 0 1', 'prod done 1 2', 'prod needs-attention 0 1', 'sandbox done 1 1']);
      }));

    it('records transfers durably at start and completes them at end', () =>
      withStore(async (store) => {
        const { job } = await store.enqueueJob(order('700'));
        const recorder = store.recorderFor(job.id);
        const id = await recorder.start({
          system: 'cetec',
          endpoint: 'importjson',
          method: 'POST',
          url: 'http://127.0.0.1/importjson/quotes?preshared_token=s3cr3t-value',
          requestBody: [{ external_key: 'prod-700' }],
          step: 1,
          attempt: 1,
        });
        const started = await store.listTransfers(job.id);
        assert.equal(started.length, 1);
        assert.equal(started[0]!.outcome, 'pending');
        assert.doesNotMatch(started[0]!.url, /s3cr3t/);
        await recorder.end(id, { status: 200, responseBody: { quotes: [1], orders: [2], success: 1 }, durationMs: 12, outcome: 'ok' });
        const ended = (await store.listTransfers(job.id))[0]!;
        assert.equal(ended.status, 200);
        assert.equal(ended.outcome, 'ok');
        assert.equal(ended.step, 1);
        assert.deepEqual(ended.responseBody, { quotes: [1], orders: [2], success: 1 });
      }));

    it('records each transfer with the run and start of the job it was made in (the job page groups by them)', () =>
      withStore(async (store) => {
        const { job } = await store.enqueueJob(order('720'));
        assert.equal(job.executions, 0, 'not started yet');
        const call = { system: 'paperless', endpoint: 'orders.get', method: 'GET', url: 'http://127.0.0.1/orders/public/720', requestBody: null, attempt: 1 } as const;
        const failure = { code: 'paperless.unavailable', kind: 'transient', message: 'HTTP 503' } as const;
        // A call made for the job before any worker took it up (an integration action attached by discovery).
        await store.recorderFor(job.id).start({ ...call, method: 'PATCH', endpoint: 'integration_actions.update' });

        const first = (await store.claimJob('w', 60_000))!;
        assert.deepEqual([first.run, first.executions], [1, 1]);
        const inFirst = store.recorderFor(first.id, { deferEnds: true, group: { run: first.run, execution: first.executions } });
        await inFirst.end(await inFirst.start(call), { status: 503, responseBody: null, durationMs: 3, outcome: 'unknown', error: 'HTTP 503' });
        await store.finishJob(first.id, 'w', { state: 'retrying', error: failure });

        const second = (await store.claimJob('w', 60_000))!;
        assert.deepEqual([second.run, second.executions], [1, 2], 'a retry is a new start of the same run');
        // Without a group, a record takes the job's current run and start.
        await store.recorderFor(second.id).start(call);
        await store.finishJob(second.id, 'w', { state: 'needs-attention', error: failure });

        assert.equal((await store.replayJob(job.id)).ok, true);
        const third = (await store.claimJob('w', 60_000))!;
        assert.deepEqual([third.run, third.executions], [2, 3], 'a replay is a new run and a new start');
        await store.recorderFor(third.id, { group: { run: third.run, execution: third.executions } }).start(call);
        // A late answer of the first start (it had lost its lease, say) stays in its own group.
        await inFirst.start({ ...call, attempt: 2 });
        await store.flushJobWrites(job.id);

        const recorded = await store.listTransfers(job.id);
        assert.deepEqual(recorded.map((t) => [t.endpoint, t.run, t.execution]), [
          ['integration_actions.update', 1, 0],
          ['orders.get', 1, 1],
          ['orders.get', 1, 2],
          ['orders.get', 2, 3],
          ['orders.get', 1, 1],
        ]);
        assert.equal(recorded[1]!.outcome, 'unknown');
        assert.equal((await store.getJob(job.id))!.executions, 3);
      }));

    it('keeps a per-profile cursor and times', () =>
      withStore(async (store) => {
        assert.equal((await store.getProfile('prod')).cursor, null);
        await store.updateProfile('prod', { cursor: 179, lastPollAt: 5 });
        const p = await store.getProfile('prod');
        assert.equal(p.cursor, 179);
        assert.equal(p.lastPollAt, 5);
        assert.deepEqual((await store.listProfiles()).map((x) => x.profile), ['prod']);
      }));

    it('stores events once by uuid and tracks which are handled', () =>
      withStore(async (store) => {
        const e = (uuid: string, created: string) => ({ uuid, type: 'integration_action.requested', created, body: { uuid } });
        assert.equal(await store.saveEvents('prod', [e('e2', '2026-01-01T00:00:02Z'), e('e1', '2026-01-01T00:00:01Z')]), 2);
        assert.equal(await store.saveEvents('prod', [e('e1', '2026-01-01T00:00:01Z')]), 0);
        const open = await store.unhandledEvents('prod', ['integration_action.requested']);
        assert.deepEqual(open.map((x) => x.uuid), ['e1', 'e2']);
        await store.markEventHandled('prod', 'e1', 'attached to job 1');
        assert.deepEqual((await store.unhandledEvents('prod')).map((x) => x.uuid), ['e2']);
        assert.deepEqual(await store.unhandledEvents('prod', ['integration.turned_off']), []);
      }));

    it('links integration actions to jobs', () =>
      withStore(async (store) => {
        const { job } = await store.enqueueJob(order('800'));
        await store.attachAction({ actionUuid: 'a1', profile: 'prod', jobId: job.id, status: 'in_progress' });
        const again = await store.attachAction({ actionUuid: 'a1', profile: 'prod', jobId: job.id, status: 'queued' });
        assert.equal(again.status, 'in_progress', 'attaching again changes nothing');
        await store.setActionStatus('a1', 'completed', 'Cetec quote 5, order 6');
        const list = await store.listActions({ jobId: job.id });
        assert.deepEqual(list.map((a) => [a.actionUuid, a.status, a.message]), [['a1', 'completed', 'Cetec quote 5, order 6']]);
        assert.deepEqual(await store.listActions({ profile: 'prod', statuses: ['queued', 'in_progress'] }), []);
      }));

    it('keeps what a self-test established per profile and system, replaced whole, with its time', () =>
      withStore(async (store) => {
        assert.equal(await store.getTenantFacts('prod', 'cetec'), null);
        await store.saveTenantFacts('prod', 'cetec', { orderLookup: { established: false, at: 1, detail: 'HTTP 404' }, reusedKey: null });
        await store.saveTenantFacts('prod', 'cetec', { orderLookup: { established: true, at: 2, detail: 'found' }, reusedKey: null });
        await store.saveTenantFacts('sandbox', 'cetec', { orderLookup: null, reusedKey: { behaviour: 'reject', at: 3, words: 'x', detail: 'refused' } });
        const prod = await store.getTenantFacts('prod', 'cetec');
        assert.deepEqual(prod?.facts, { orderLookup: { established: true, at: 2, detail: 'found' }, reusedKey: null });
        assert.equal(typeof prod?.checkedAt, 'number');
        assert.equal(((await store.getTenantFacts('sandbox', 'cetec'))?.facts as { reusedKey: { behaviour: string } }).reusedKey.behaviour, 'reject');
        assert.equal(await store.getTenantFacts('prod', 'cablebuilder'), null);
      }));

    it('system health: an outage starts at its first failure, counts failures, and ends at a success', () =>
      withStore(async (store, clock) => {
        const start = clock.now;
        const first = await store.recordHealth('prod', 'cetec', { ok: false, code: 'cetec.auth_failed', message: 'token refused', nextTryAt: start + 30_000 });
        assert.equal(first.before, null);
        assert.deepEqual([first.after.failingSince, first.after.failures, first.after.nextTryAt], [start, 1, start + 30_000]);
        clock.advance(60_000);
        const second = await store.recordHealth('prod', 'cetec', { ok: false, code: 'http.timeout', message: 'no answer', nextTryAt: clock.now + 60_000 });
        assert.deepEqual([second.after.failingSince, second.after.failures, second.after.lastErrorCode, second.after.lastErrorAt], [start, 2, 'http.timeout', clock.now]);
        // A failure that knows no next try keeps the one already scheduled.
        const third = await store.recordHealth('prod', 'cetec', { ok: false, code: 'http.timeout', message: 'no answer again', nextTryAt: null });
        assert.deepEqual([third.after.failures, third.after.nextTryAt], [3, clock.now + 60_000]);
        clock.advance(1_000);
        const ok = await store.recordHealth('prod', 'cetec', { ok: true });
        assert.equal(ok.before!.failingSince, start);
        assert.deepEqual([ok.after.failingSince, ok.after.failures, ok.after.nextTryAt, ok.after.lastOkAt, ok.after.lastErrorCode], [null, 0, null, clock.now, 'http.timeout']);
        await store.recordHealth('prod', 'paperless', { ok: true });
        assert.deepEqual((await store.listHealth()).map((h) => [h.profile, h.system]), [['prod', 'cetec'], ['prod', 'paperless']]);
      }));

    it('audit log: newest first, by job or profile, paged with before; details redacted', () =>
      withStore(async (store, clock) => {
        await store.addAudit({ actor: 'admin', action: 'retry', profile: 'prod', jobId: '7' });
        clock.advance(1000);
        await store.addAudit({ actor: 'cli:ops', action: 'resume', profile: 'sandbox', detail: 'resumed by hand' });
        clock.advance(1000);
        await store.addAudit({ actor: 'api-token', action: 'cancel', profile: 'prod', jobId: '7', detail: 'Authorization: Bearer abcdefghijklmnop1234' });
        const all = await store.listAudit();
        assert.deepEqual(all.map((a) => a.action), ['cancel', 'resume', 'retry']);
        assert.deepEqual((await store.listAudit({ jobId: '7' })).map((a) => a.action), ['cancel', 'retry']);
        assert.deepEqual((await store.listAudit({ profile: 'sandbox' })).map((a) => a.actor), ['cli:ops']);
        assert.deepEqual((await store.listAudit({ before: all[1]!.at })).map((a) => a.action), ['retry']);
        assert.doesNotMatch(all[0]!.detail!, /abcdefghijklmnop1234/);
      }));

    it('sessions: kept until they expire or are deleted', () =>
      withStore(async (store, clock) => {
        await store.saveSession('h1', { user: 'admin', csrf: 'c1', expiresAt: clock.now + 60_000 });
        assert.deepEqual(await store.getSession('h1'), { user: 'admin', csrf: 'c1', expiresAt: clock.now + 60_000 });
        await store.saveSession('h2', { user: 'ops', csrf: 'c2', expiresAt: clock.now + 1_000 });
        clock.advance(2_000);
        assert.equal(await store.getSession('h2'), null);
        assert.equal(await store.purgeSessions(), 1);
        await store.deleteSession('h1');
        assert.equal(await store.getSession('h1'), null);
      }));

    it('prune: drops transfer records and plans of jobs finished before the cutoff; the job rows stay', () =>
      withStore(async (store, clock) => {
        const { job } = await store.enqueueJob(order('900'));
        await store.claimJob('w', 60_000, clock.now);
        await store.savePlan(job.id, 'w', { steps: [], warnings: [] }, []);
        const recorder = store.recorderFor(job.id);
        const t = await recorder.start({ system: 'cetec', endpoint: 'importjson', method: 'POST', url: 'http://127.0.0.1:9/', attempt: 1, requestBody: { a: 1 } } as never);
        await recorder.end(t, { outcome: 'ok', status: 200, durationMs: 1, responseBody: { b: 2 } } as never);
        await store.finishJob(job.id, 'w', { state: 'done', error: null });
        await store.addAudit({ actor: 'a', action: 'retry', jobId: job.id });
        assert.deepEqual(await store.prune({ before: clock.now - 1, auditBefore: clock.now - 1 }), { transfers: 0, plans: 0, events: 0, audit: 0 });
        clock.advance(10);
        assert.deepEqual(await store.prune({ before: clock.now, auditBefore: clock.now }), { transfers: 1, plans: 1, events: 0, audit: 1 });
        const kept = (await store.getJob(job.id))!;
        assert.deepEqual([kept.state, kept.plan], ['done', null]);
        assert.deepEqual(await store.listTransfers(job.id), []);
      }));

    it('notifier state: written compare-and-set; of two writers of one version, one wins', () =>
      withStore(async (store, _clock, second) => {
        assert.equal(await store.getNotifyState('prod'), null);
        assert.equal(await store.saveNotifyState('prod', { pauseReason: 'x' }, null), true);
        assert.equal(await store.saveNotifyState('prod', { pauseReason: 'y' }, null), false, 'a second first write loses');
        const v1 = (await store.getNotifyState('prod'))!;
        assert.deepEqual(v1.state, { pauseReason: 'x' });
        const other = second ? await second() : store;
        try {
          const results = await Promise.all([
            store.saveNotifyState('prod', { pauseReason: 'a' }, v1.version),
            other.saveNotifyState('prod', { pauseReason: 'b' }, v1.version),
          ]);
          assert.equal(results.filter(Boolean).length, 1, 'exactly one write of the version wins');
          const v2 = (await store.getNotifyState('prod'))!;
          assert.deepEqual(v2.state, { pauseReason: results[0] ? 'a' : 'b' });
          assert.equal(await store.saveNotifyState('prod', { pauseReason: 'stale' }, v1.version), false);
          assert.equal(await store.getNotifyState('other'), null, 'per profile');
        } finally {
          if (other !== store) await other.close();
        }
      }));
  });
}
