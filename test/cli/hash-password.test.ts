import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { verifyPassword } from '../../src/server/settings.ts';

const BIN = fileURLToPath(new URL('../../bin/shopwire.js', import.meta.url));

function run(stdin: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'hash-password'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += String(c)));
    child.stderr.on('data', (c) => (stderr += String(c)));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

test('hash-password prints a hash the dashboard accepts for the password read from stdin', async () => {
  const { code, stdout } = await run('correct horse battery staple\n');
  assert.equal(code, 0);
  const hash = stdout.trim();
  assert.match(hash, /^scrypt\$16384\$8\$1\$/);
  assert.ok(verifyPassword('correct horse battery staple', hash), 'the trailing newline is not part of the password');
  assert.ok(!verifyPassword('correct horse battery staple\n', hash));
  assert.ok(!stdout.includes('horse'));
});

test('hash-password refuses an empty password', async () => {
  const { code, stderr, stdout } = await run('');
  assert.equal(code, 2);
  assert.equal(stdout, '');
  assert.match(stderr, /password is empty/);
});
