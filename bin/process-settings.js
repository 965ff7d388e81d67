// Settings of the Node.js process that runs shopwire, applied before any TypeScript is loaded
// (plain JavaScript for that reason; tsc checks it with checkJs). Two of them:
//
// 1. The module compile cache (Node's `module.enableCompileCache`), which also keeps the output of
//    type stripping. A warm cache means Node's TypeScript stripper (a WebAssembly module that stays
//    resident, about 20 MB) is never loaded, and commands start faster. The cache lives in the
//    user's cache folder, $XDG_CACHE_HOME/shopwire/compile or ~/.cache/shopwire/compile (or
//    $NODE_COMPILE_CACHE); Node checks every entry against the source file's hash, so an edited
//    file is simply compiled again. NODE_DISABLE_COMPILE_CACHE=1 turns it off. Not under
//    node_modules: creating node_modules/.cache after `npm install` makes the folder newer than
//    npm's hidden lockfile (node_modules/.package-lock.json), which npm then ignores, reading
//    the whole tree again on every `npm exec`. Not in the shared temporary folder either, where
//    another user could have put entries first.
//
// 2. Memory settings for the long-running commands (`run`, `demo`, `sync`), which keep a hub
//    with 10,000 jobs queued under 150 MB resident (`npm run bench:export -- --queue 10000`,
//    docs/proof.md). They can only take effect at process start, so the process re-executes
//    itself once with them (`process.execve`: same pid, same stdin/stdout/stderr, nothing else
//    carried over; it runs before anything is opened):
//    - V8 tuned for size (`--optimize-for-size`): a young generation of about a megabyte instead of
//      one that grows to tens of MB under a steady allocation rate such as a worker's, slower
//      old-generation growth, and less memory for compiled code. It costs CPU (about 17 ms per
//      exported order instead of 13 in bench:export), which a hub that mostly waits on HTTP has.
//      With only `--max-semi-space-size=8` instead, resident memory crept past 150 MB after a
//      thousand orders.
//    - glibc's malloc with two arenas and a fixed trim threshold (MALLOC_ARENA_MAX=2,
//      MALLOC_TRIM_THRESHOLD_=131072): freed memory goes back to the system instead of staying in
//      per-thread arenas. Setting the threshold also stops glibc raising its mmap threshold, so
//      large short-lived buffers are unmapped when freed.
//    Values already in the environment or on the command line win. SHOPWIRE_PROCESS_SETTINGS=off
//    skips the re-execution (the variable is set to `applied` in the re-executed process). Only on
//    Linux, where these settings mean something, and never for a process with an IPC channel
//    (a fork's channel would not survive the exec).
import { enableCompileCache } from 'node:module';
import { homedir } from 'node:os';
import path from 'node:path';

/**
 * The compile cache folder: in the user's cache folder (XDG), outside the checkout and
 * node_modules; empty (no cache) for a user without a home folder.
 */
export const COMPILE_CACHE_DIR = cacheFolder();

function cacheFolder() {
  try {
    return path.join(process.env.XDG_CACHE_HOME || path.join(homedir(), '.cache'), 'shopwire', 'compile');
  } catch {
    return '';
  }
}

/** Environment of a tuned process, unless already set. */
export const MEMORY_ENV = Object.freeze({ MALLOC_ARENA_MAX: '2', MALLOC_TRIM_THRESHOLD_: '131072' });

/** Node flags of a tuned process, unless the command line sets them. */
export const MEMORY_FLAGS = Object.freeze(['--optimize-for-size']);

/** Commands that run long enough for the memory settings to matter. */
export const LONG_RUNNING_COMMANDS = Object.freeze(['run', 'demo', 'sync']);

/** Enables the compile cache for this process (a quiet optimisation: never throws). */
export function useCompileCache() {
  if (process.env.NODE_DISABLE_COMPILE_CACHE) return;
  if (!process.env.NODE_COMPILE_CACHE && COMPILE_CACHE_DIR === '') return;
  try {
    enableCompileCache(process.env.NODE_COMPILE_CACHE || COMPILE_CACHE_DIR);
  } catch {
    // Read-only checkout or an old Node: run without the cache.
  }
}

/**
 * Re-executes this process with the memory settings, once. Returns only when it did not
 * (already applied, turned off, not Linux, no `process.execve`, an IPC channel, or exec failed).
 * @param {string} script absolute path of the entry script
 * @param {readonly string[]} args the script's arguments
 */
export function relaunchWithMemorySettings(script, args) {
  if (process.env.SHOPWIRE_PROCESS_SETTINGS !== undefined) return;
  if (process.platform !== 'linux' || typeof process.execve !== 'function' || process.channel !== undefined) return;
  /** @type {NodeJS.ProcessEnv} */
  const env = { ...process.env, SHOPWIRE_PROCESS_SETTINGS: 'applied' };
  if (!env.NODE_DISABLE_COMPILE_CACHE && !env.NODE_COMPILE_CACHE && COMPILE_CACHE_DIR !== '') env.NODE_COMPILE_CACHE = COMPILE_CACHE_DIR;
  for (const [name, value] of Object.entries(MEMORY_ENV)) env[name] ??= value;
  const flags = MEMORY_FLAGS.filter((flag) => !process.execArgv.some((a) => a.startsWith(flag.split('=')[0] ?? flag)));
  try {
    process.execve(process.execPath, [process.execPath, ...flags, ...process.execArgv, script, ...args], env);
  } catch {
    // exec failed: this process goes on as it is, untuned.
  }
}
