/**
 * `npm test`: runs every test under test/ with Node's test runner. Extra arguments narrow the run
 * (`npm test -- test/translate`). Loads .shopwire/test-env (written by scripts/system-deps.sh) so
 * the PostgreSQL store tests find their server; without it they are skipped and say so.
 * A test that has not ended after 5 minutes fails (the longest take about a minute on a loaded
 * 2-core machine), and a file whose tests have all ended is not waited for: a hang fails one test
 * by name, not the whole run by its time limit.
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
  ['--test', '--test-concurrency=2', '--test-timeout=300000', '--test-force-exit', '--test-reporter=spec', ...patterns],
  { stdio: 'inherit', env },
);
process.exitCode = result.status ?? 1;
