/**
 * A Cetec tenant's calls in flight held across hub processes on one PostgreSQL (store.sharedSlots:
 * slot i is a session advisory lock on a connection each store keeps for it). Every slot a
 * process gives back can be taken by another: asking while holding slots must never take a held
 * one a second time (session locks count, and one release would leave it held for ever; the CI
 * run that found it hung with two hubs each waiting for a slot nobody used; the server tried the
 * lock before skipping the held slots once a process held three or more). Each store here
 * stands for a process: its own connection. Skipped without PostgreSQL.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openPostgresStore } from '../../src/store/postgres/open.ts';
import type { Store } from '../../src/store/store.ts';
import { dropSchema, freshSchemaName } from './pg-schema.ts';

const url = process.env.SHOPWIRE_TEST_PG_URL || undefined;
type Release = () => Promise<void>;

async function withStores(n: number, fn: (stores: Store[]) => Promise<void>): Promise<void> {
  const schema = freshSchemaName();
  const stores = Array.from({ length: n }, () => openPostgresStore({ url: url!, schema }));
  try {
    await stores[0]!.migrate();
    await fn(stores);
  } finally {
    for (const s of stores) await s.close();
    await dropSchema(url!, schema);
  }
}

/** Takes every slot of `scope` that is free for `store`, and returns their releases. */
async function takeAll(store: Store, scope: string, slots: number): Promise<Release[]> {
  const taken: Release[] = [];
  for (let i = 0; i < slots; i++) {
    const release = await store.sharedSlots!.take(scope, slots);
    if (release === null) break;
    taken.push(release);
  }
  return taken;
}

describe('Cetec slots shared through PostgreSQL', { skip: url === undefined ? 'SHOPWIRE_TEST_PG_URL is not set: PostgreSQL run skipped (run scripts/system-deps.sh, then npm test)' : false }, () => {
  it('a process that asks while holding slots takes only free ones; every slot it gives back can be taken by another', () =>
    withStores(3, async ([a, b, c]) => {
      const scope = 'cetec:https://tenant.example';
      const aHolds = [await a!.sharedSlots!.take(scope, 4), await a!.sharedSlots!.take(scope, 4)];
      const bHolds = await b!.sharedSlots!.take(scope, 4);
      assert.ok(aHolds.every((r) => r !== null) && bHolds !== null, 'three of four slots taken');
      const aThird = await a!.sharedSlots!.take(scope, 4);
      assert.ok(aThird !== null, 'the fourth slot');
      // All four are taken: A asks again (as a waiting call polls) and gets none.
      assert.equal(await a!.sharedSlots!.take(scope, 4), null);
      assert.equal(await c!.sharedSlots!.take(scope, 4), null);
      for (const release of [...aHolds, aThird]) await release!();
      await bHolds!();
      const cTakes = await takeAll(c!, scope, 4);
      assert.equal(cTakes.length, 4, 'once given back, every slot can be taken by another process');
      for (const release of cTakes) await release();
    }));

  it('after many takes and releases by two processes in any order, all slots are free again', () =>
    withStores(3, async ([a, b, c]) => {
      const scope = 'cetec:https://busy.example';
      // mulberry32: the same sequence every run.
      let seed = 7;
      const random = (): number => {
        seed = (seed + 0x6d2b79f5) | 0;
        let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      };
      const held: Array<Release[]> = [[], []];
      const stores = [a!, b!];
      let takes = 0;
      for (let step = 0; step < 300; step++) {
        const who = random() < 0.5 ? 0 : 1;
        if (held[who]!.length > 0 && random() < 0.4) {
          await held[who]!.splice(Math.floor(random() * held[who]!.length), 1)[0]!();
        } else {
          const release = await stores[who]!.sharedSlots!.take(scope, 5);
          if (release !== null) {
            held[who]!.push(release);
            takes++;
          }
        }
        assert.ok(held[0]!.length + held[1]!.length <= 5, `never more than 5 in flight (step ${step})`);
      }
      assert.ok(takes > 50, `the two processes took slots often enough to mean something: ${takes}`);
      console.log(`two processes: ${takes} takes of 5 slots in 300 steps`);
      for (const list of held) for (const release of list.splice(0)) await release();
      const cTakes = await takeAll(c!, scope, 5);
      assert.equal(cTakes.length, 5, `a third process can take all 5 slots after ${takes} takes`);
      for (const release of cTakes) await release();
    }));
});
