/**
 * Every command module, in the order `shopwire --help` lists them, with the command names each
 * registers. Modules are imported only when needed: a command loads its own module and what it
 * uses (not the whole hub of every other command), `--version` loads none; help, `help <name>` and
 * an unknown word load them all, so commander lists and suggests every command.
 */
import type { Command } from 'commander';

export type RegisterCommand = (program: Command) => void;

type CommandModule = { names: readonly string[]; load: () => Promise<{ register: RegisterCommand }> };

export const COMMAND_MODULES: readonly CommandModule[] = [
  { names: ['demo'], load: () => import('./demo.ts') },
  { names: ['run'], load: () => import('./run.ts') },
  { names: ['sync'], load: () => import('./sync.ts') },
  { names: ['order'], load: () => import('./order.ts') },
  { names: ['preview'], load: () => import('./preview.ts') },
  { names: ['replay'], load: () => import('./replay.ts') },
  { names: ['resolve'], load: () => import('./resolve.ts') },
  { names: ['cancel'], load: () => import('./cancel.ts') },
  { names: ['status'], load: () => import('./status.ts') },
  { names: ['resume'], load: () => import('./resume.ts') },
  { names: ['backup', 'prune'], load: () => import('./backup.ts') },
  { names: ['design'], load: () => import('./design.ts') },
  { names: ['preview-design'], load: () => import('./preview-design.ts') },
  { names: ['emulate'], load: () => import('./emulate.ts') },
  { names: ['cetec'], load: () => import('./cetec.ts') },
  { names: ['doctor'], load: () => import('./doctor.ts') },
  { names: ['hash-password'], load: () => import('./hash-password.ts') },
];

/** The command word of a command line: the first word that is not an option or `--config`'s value (as bin/shopwire.js reads it). */
export function commandWord(argv: readonly string[]): string | undefined {
  return argv.find((a, i) => !a.startsWith('-') && !['-c', '--config'].includes(argv[i - 1] ?? ''));
}

/**
 * The register functions a command line needs: its command's module; none for `--version` alone;
 * every module otherwise (help, `help <name>`, a mistyped command, no command).
 */
export async function commandsFor(argv: readonly string[] | null): Promise<RegisterCommand[]> {
  const word = argv === null ? undefined : commandWord(argv);
  const own = word === undefined ? undefined : COMMAND_MODULES.find((m) => m.names.includes(word));
  if (own !== undefined) return [(await own.load()).register];
  if (argv !== null && word === undefined && argv.some((a) => a === '-V' || a === '--version') && !argv.some((a) => a === '-h' || a === '--help')) return [];
  return Promise.all(COMMAND_MODULES.map(async (m) => (await m.load()).register));
}
