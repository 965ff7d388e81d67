/**
 * Waiting in tests: a plain sleep, and polling a condition until it holds (or a deadline passes).
 */

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `read` every `everyMs` until it returns something other than undefined or false (so a
 * boolean condition works as well as a value to wait for); throws after `ms`.
 */
export async function until<T>(what: string, read: () => Promise<T | undefined | false> | T | undefined | false, ms = 30_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
