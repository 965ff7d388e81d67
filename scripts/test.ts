/**
 * `npm test`: runs every test under test/ with Node's test runner. Extra arguments narrow the run
 * (`npm test -- test/translate`). Loads .shopwire/test-env (written by scripts/system-deps.sh) so
 * the PostgreSQL store tests find their server; without it they are skipped and say so.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const envFile = '.shopwire/test-env';
const env = { ...process.env };
if (existsSync(envFile)) {
  for (const line of readFileSync(envFile, 'utf8').split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match && env[match[1]!] === undefined) env[match[1]!] = match[2]!;
  }
}
const targets = process.argv.slice(2);
const patterns = targets.length === 0 ? ['test/**/*.test.ts'] : targets.map((t) => (t.endsWith('.ts') ? t : `${t.replace(/\/$/, '')}/**/*.test.ts`));
const result = spawnSync(
  process.execPath,
  ['--test', '--test-concurrency=2', '--test-timeout=900000', '--test-reporter=spec', ...patterns],
  { stdio: 'inherit', env },
);
process.exitCode = result.status ?? 1;
