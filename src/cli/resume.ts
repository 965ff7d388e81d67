/**
 * `shopwire resume [--profile name...]`: resumes profiles paused for an auth or config error now,
 * instead of waiting for the running hub's next probe (it resumes them by itself once the system
 * accepts them; docs/engine.md). Recorded in the audit log as `cli:<user>`.
 */
import type { Command } from 'commander';
import { resumeProfile } from '../engine/resume.ts';
import { ShopwireError } from '../lib/errors.ts';
import { openConfiguredStore } from './open-store.ts';
import { cliActor, commandConfig } from './context.ts';

export function register(program: Command): void {
  program
    .command('resume')
    .description('resume paused profiles now (default: every paused profile)')
    .option('--profile <name...>', 'only these profiles')
    .action(async (options: { profile?: string[] }, command: Command) => {
      const config = commandConfig(command);
      for (const name of options.profile ?? []) {
        if (!(name in config.profiles)) throw new ShopwireError(`resume: no profile named ${JSON.stringify(name)} in the config`, { code: 'cli.usage', kind: 'data' });
      }
      const store = await openConfiguredStore(config);
      try {
        const names = options.profile ?? (await store.listProfiles()).filter((p) => p.paused).map((p) => p.profile);
        const out: string[] = [];
        for (const name of names) {
          const result = await resumeProfile(store, name, cliActor());
          out.push(result.resumed ? `profile ${name}: resumed (was paused: ${result.reason ?? 'no reason recorded'})` : `profile ${name}: not paused`);
        }
        if (names.length === 0) out.push('no profile is paused');
        process.stdout.write(`${out.join('\n')}\n`);
      } finally {
        await store.close();
      }
    });
}
