import { hostname } from 'node:os';

/**
 * Whether a worker id (`host:pid:random`, compose.ts) names a process of this machine that no
 * longer exists. Another machine's process, or one that exists (even another user's), is not gone.
 */
export function processGone(owner: string): boolean {
  const parts = owner.split(':');
  const pid = Number(parts[parts.length - 2]);
  if (parts.slice(0, -2).join(':') !== hostname() || !Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
