/**
 * The Cetec emulator's load figures, which the scale-out suites and `npm run bench:scale` read to
 * check a tenant's limits across hub processes: calls in flight at once (peak) and calls arriving
 * within any one second (peakPerSecond).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startCetecEmulator } from '../../../emulators/cetec/server.ts';

const TOKEN = 'load-test-token';

test('load: peak calls in flight and peak calls within one second', async () => {
  const emu = await startCetecEmulator({ tokens: [TOKEN], faults: { seed: 1, rules: [{ endpoint: '*', random: [{ probability: 1, fault: { kind: 'latency', ms: 300 } }] }] } });
  try {
    const call = () => fetch(`${emu.url}/api/part?preshared_token=${TOKEN}`).then((r) => r.arrayBuffer());
    await Promise.all([call(), call(), call()]);
    let load = emu.load();
    assert.equal(load.calls, 3);
    assert.equal(load.peak, 3, 'three calls overlapped');
    assert.equal(load.peakPerSecond, 3, 'three calls arrived within one second');
    assert.equal(load.inFlight, 0);
    // Calls more than a second apart never count together.
    emu.resetLoad();
    emu.faults.set([], 1);
    await call();
    await new Promise((r) => setTimeout(r, 1_100));
    await call();
    load = emu.load();
    assert.equal(load.calls, 2);
    assert.equal(load.peak, 1);
    assert.equal(load.peakPerSecond, 1);
  } finally {
    await emu.close();
  }
});
