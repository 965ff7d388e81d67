/**
 * The demo's folder: a temporary one (config, secrets, database) is removed when the demo stops;
 * one given with --dir stays, and the operator's edits to its config survive the next start.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startDemo } from '../../src/cli/demo.ts';
import { loadConfig } from '../../src/config/load.ts';

const OPTIONS = { port: '0', orders: '1', every: '3600', seed: '7' };

test('without --dir the demo removes the folder it made, secrets and database included, when it stops', async () => {
  const demo = await startDemo(OPTIONS);
  const configFile = /config {9}(\S+)/.exec(demo.banner)![1]!;
  const dir = path.dirname(configFile);
  assert.ok(existsSync(path.join(dir, 'secrets.yaml')));
  assert.match(demo.banner, /removed when the demo stops/);
  await demo.stop();
  assert.ok(!existsSync(dir), `${dir} is gone`);
});

test('with --dir the folder stays and the operator’s config edits survive the next start', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'shopwire-demo-dir-'));
  try {
    const first = await startDemo({ ...OPTIONS, dir });
    await first.stop();
    const file = path.join(dir, 'shopwire.yaml');
    assert.ok(existsSync(file) && existsSync(path.join(dir, 'shopwire.db')), 'config and store stay');
    const before = readFileSync(file, 'utf8');
    const oldUrl = loadConfig({ file, env: {} }).profiles.demo!.cetec.baseUrl;
    // The operator adds a mapping, with a comment.
    writeFileSync(file, before.replace('    retry:', '    # our shop floor\n    translation:\n      routing:\n        operations:\n          Levitation: assembly\n    retry:'));

    const second = await startDemo({ ...OPTIONS, dir });
    try {
      const after = readFileSync(file, 'utf8');
      assert.match(after, /# our shop floor/);
      assert.match(after, /Levitation: assembly/);
      const config = loadConfig({ file, env: {} });
      const cetecUrl = /Cetec emulator +(http:\/\/\S+)\/__emulator\/state/.exec(second.banner)![1]!;
      assert.equal(config.profiles.demo!.cetec.baseUrl, cetecUrl, 'the emulators’ new addresses are written');
      assert.notEqual(cetecUrl, oldUrl);
      assert.equal(config.profiles.demo!.translation.routing.operations.Levitation, 'assembly');
      assert.equal(config.profiles.demo!.translation.routing.operations['CNC Milling'], 'cnc_milling', 'the built-in entries stay in force');
      assert.equal(config.dashboard.users.filter((u) => u.name === 'demo').length, 1, 'one demo user, with the new password');
      assert.match(second.banner, /kept, with your edits/);
    } finally {
      await second.stop();
    }
    assert.ok(existsSync(dir), '--dir is never removed');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
