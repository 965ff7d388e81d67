/**
 * Several `run` daemons of one config file, in this process (test/scale/duties and resume-probe):
 * the file written into a fresh folder, the daemons started on it, and what each one called
 * outside, read from its own metrics.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { startDaemon, type Daemon } from '../../src/cli/daemon.ts';
import { loadConfig } from '../../src/config/load.ts';
import { silentLogger } from '../../src/lib/log.ts';

export type Daemons = {
  daemons: Daemon[];
  /** Stops every daemon still running and removes the folder. */
  close(): Promise<void>;
};

/** Writes `config` (an object, as YAML) and starts `count` daemons on it with `env` for its secrets. */
export async function startDaemons(count: number, config: Record<string, unknown>, env: NodeJS.ProcessEnv): Promise<Daemons> {
  const dir = mkdtempSync(path.join(tmpdir(), 'shopwire-daemons-'));
  const file = path.join(dir, 'shopwire.yaml');
  writeFileSync(file, stringify(config));
  const daemons: Daemon[] = [];
  const close = async (): Promise<void> => {
    for (const d of daemons) await d.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < count; i++) daemons.push(await startDaemon({ config: loadConfig({ file, env: { ...process.env, SHOPWIRE_SECRETS_FILE: '', ...env } }), logger: silentLogger(), port: 0 }));
  } catch (error) {
    await close();
    throw error;
  }
  return { daemons, close };
}

/** The calls this daemon made to one outside system, by endpoint (its own metrics). */
export async function outboundCalls(daemon: Daemon, system: 'paperless' | 'cetec'): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const m of (await daemon.hub.metrics.render()).matchAll(/^shopwire_outbound_request_duration_seconds_count\{([^}]*)\} (\d+)$/gm)) {
    const labels = Object.fromEntries([...m[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    if (labels.system !== system) continue;
    out[labels.endpoint!] = (out[labels.endpoint!] ?? 0) + Number(m[2]);
  }
  return out;
}
