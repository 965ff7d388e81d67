/**
 * On a Node.js too old for type stripping, `node bin/shopwire.js` must say what to do, not crash
 * with a SyntaxError. Runs with every older `node` found on the PATH and in the usual places.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/shopwire.js', import.meta.url));

function oldNodes(): string[] {
  const candidates = new Set(['/usr/bin/node', '/usr/local/bin/node', '/bin/node']);
  try {
    for (const line of execFileSync('which', ['-a', 'node'], { encoding: 'utf8' }).split('\n')) if (line.trim()) candidates.add(line.trim());
  } catch {
    // no `which`: the fixed places only
  }
  return [...candidates].filter((node) => {
    if (!existsSync(node)) return false;
    const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
    const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
    return major > 0 && (major < 22 || (major === 22 && minor < 18));
  });
}

test('an old Node.js gets a friendly "needs Node 24" message and exit 1, not a SyntaxError', (t) => {
  const nodes = oldNodes();
  if (nodes.length === 0) {
    t.skip('no Node.js older than 22.18 on this machine');
    return;
  }
  for (const node of nodes) {
    for (const args of [['--help'], ['run'], ['doctor', '--json']]) {
      const result = spawnSync(node, [BIN, ...args], { encoding: 'utf8' });
      assert.equal(result.status, 1, `${node} ${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, /^shopwire needs Node\.js 24 \(or 22\.18 or newer\); this is Node\.js v\d+/);
      assert.match(result.stderr, /npm install/);
      assert.match(result.stderr, /npm run shopwire -- <command>/);
      assert.doesNotMatch(result.stderr, /SyntaxError|at ModuleJob/);
      assert.equal(result.stdout, '');
    }
  }
});
