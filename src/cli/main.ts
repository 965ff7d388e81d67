/**
 * The `shopwire` command line. Each command lives in its own module under src/cli/ and exports
 * `register(program)`; this file only assembles them and maps failures to exit codes.
 *
 * Exit codes: 0 success; 1 the work failed (an order or design could not be exported); 2 usage or
 * configuration error; 3 an outside system could not be reached.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { commandsFor } from './commands.ts';
import { EXIT, exitCodeOf } from './exit.ts';
import { ShopwireError } from '../lib/errors.ts';
import { redactText } from '../lib/redact.ts';

/** The version in package.json. */
export const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** The program with the commands `argv` needs (all of them for null; see commands.ts). */
export async function buildProgram(argv: readonly string[] | null = null): Promise<Command> {
  const program = new Command('shopwire')
    .description('Integration hub: Paperless Parts orders and CableBuilder designs into Cetec ERP')
    .version(VERSION, '-V, --version', 'print the version of shopwire')
    .option('-c, --config <file>', 'config file (YAML); default: $SHOPWIRE_CONFIG or ./shopwire.yaml if present')
    .showHelpAfterError()
    .exitOverride();
  for (const register of await commandsFor(argv)) register(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    const program = await buildProgram(argv);
    // `--file -` (or `-` among `--orders`): the command reads stdin.
    if (argv.includes('-')) await (await import('./context.ts')).preloadStdin();
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof ShopwireError) {
      process.stderr.write(`shopwire: ${redactText(error.message)}\n`);
      const exit = exitCodeOf(error);
      // A script that asked for JSON gets the failure as JSON on stdout too, with each problem.
      if (argv.includes('--json')) {
        const details = (error.details ?? {}) as { problems?: unknown; issues?: unknown };
        const problems = Array.isArray(details.problems) ? details.problems : Array.isArray(details.issues) ? details.issues : undefined;
        process.stdout.write(
          `${redactText(JSON.stringify({ error: { code: error.code, kind: error.kind, message: error.message, exitCode: exit, ...(problems ? { problems } : {}) } }, null, 2))}\n`,
        );
      }
      return exit;
    }
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`shopwire: unexpected error: ${redactText(message)}\n`);
    return EXIT.failed;
  }
}
