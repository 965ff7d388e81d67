/**
 * The `shopwire` command line. Each command lives in its own module under src/cli/ and exports
 * `register(program)`; this file only assembles them and maps failures to exit codes.
 *
 * Exit codes: 0 success; 1 the work failed (an order or design could not be exported); 2 usage or
 * configuration error; 3 an outside system could not be reached.
 */
import { Command, CommanderError } from 'commander';
import { COMMANDS } from './commands.ts';
import { ShopwireError } from '../lib/errors.ts';
import { redactText } from '../lib/redact.ts';

export const EXIT = { ok: 0, failed: 1, usage: 2, unavailable: 3 } as const;

export function buildProgram(): Command {
  const program = new Command('shopwire')
    .description('Integration hub: Paperless Parts orders and CableBuilder designs into Cetec ERP')
    .option('-c, --config <file>', 'config file (YAML); default: $SHOPWIRE_CONFIG or ./shopwire.yaml if present')
    .showHelpAfterError()
    .exitOverride();
  for (const register of COMMANDS) register(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof ShopwireError) {
      process.stderr.write(`shopwire: ${redactText(error.message)}\n`);
      if (error.kind === 'config' || error.kind === 'data') return EXIT.usage;
      if (error.kind === 'transient' || error.kind === 'auth') return EXIT.unavailable;
      return EXIT.failed;
    }
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`shopwire: unexpected error: ${redactText(message)}\n`);
    return EXIT.failed;
  }
}
