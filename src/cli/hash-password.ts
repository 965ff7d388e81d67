/**
 * `shopwire hash-password`: prints the scrypt hash of a dashboard password, for
 * `dashboard.users[].passwordHash` or a secrets-file entry named by `passwordHashEnv`. The
 * password is read from stdin (never from the command line, so it stays out of `ps` and shell
 * history); on a terminal it is asked for twice without echo.
 */
import type { Command } from 'commander';
import { ShopwireError } from '../lib/errors.ts';
import { hashPassword } from '../server/settings.ts';

export function register(program: Command): void {
  program
    .command('hash-password')
    .description('print the hash of a dashboard password (read from stdin, or asked for on a terminal)')
    .action(async () => {
      const password = process.stdin.isTTY ? await askTwice() : await readStdin();
      if (password.length === 0) throw new ShopwireError('hash-password: the password is empty', { code: 'cli.usage', kind: 'data' });
      process.stdout.write(`${hashPassword(password)}\n`);
    });
}

async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  // One trailing newline is the end of the line, not part of the password.
  return text.replace(/\r?\n$/, '');
}

async function askTwice(): Promise<string> {
  const first = await ask('password: ');
  const second = await ask('again: ');
  if (first !== second) throw new ShopwireError('hash-password: the two passwords differ', { code: 'cli.usage', kind: 'data' });
  return first;
}

/** Reads one line from the terminal without echoing it. */
function ask(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(prompt);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    let line = '';
    const onData = (chunk: string): void => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') {
          done();
          resolve(line);
          return;
        }
        if (char === '\u0003') {
          done();
          reject(new ShopwireError('hash-password: interrupted', { code: 'cli.usage', kind: 'data' }));
          return;
        }
        if (char === '\u007f' || char === '\b') line = line.slice(0, -1);
        else line += char;
      }
    };
    const done = (): void => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    stdin.on('data', onData);
  });
}
