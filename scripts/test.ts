/**
 * `npm test`: runs every test under test/ with Node's test runner. Extra arguments narrow the run
 * (`npm test -- test/translate`). Loads .shopwire/test-env (written by scripts/system-deps.sh) so
 * the PostgreSQL store tests find their server; without it they are skipped and say so.
 *
 * A hang fails by name, not by CI's time limit: a test that has not ended after 5 minutes fails
 * (the longest take about a minute on a loaded 2-core machine), and should a file still not end
 * (something it started keeps running), the whole run is stopped after 45 minutes (a full run
 * takes about 7 on 2 cores) with the results so far and the files still running. Not
 * `--test-force-exit`: with files run in parallel it ended runs before their last files had
 * reported, passing with tests silently missing (693 of 705 here).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const RUN_LIMIT_MS = 45 * 60_000;
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
  ['--test', '--test-concurrency=2', '--test-timeout=300000', '--test-reporter=spec', ...patterns],
  // SIGINT: the runner then reports what has run and names the files still running.
  { stdio: 'inherit', env, timeout: RUN_LIMIT_MS, killSignal: 'SIGINT' },
);
if (result.error !== undefined && (result.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') {
  console.error(`npm test: stopped after ${RUN_LIMIT_MS / 60_000} minutes; the files named above as still running did not end`);
  process.exitCode = 1;
} else {
  process.exitCode = result.status ?? 1;
}
