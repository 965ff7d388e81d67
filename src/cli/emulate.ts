/**
 * `shopwire emulate <cetec|paperless|cablebuilder>`: runs one emulator alone on loopback until
 * Ctrl-C. The token it accepts comes from the same variable the hub reads (CETEC_TOKEN,
 * PAPERLESS_TOKEN), or is generated and shown once, since it guards only a local emulator.
 */
import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { ConfigError } from '../config/errors.ts';

const SYSTEMS = ['cetec', 'paperless', 'cablebuilder'] as const;
type System = (typeof SYSTEMS)[number];

type EmulateOptions = { host: string; port: string; seed?: string; orders?: string };

export function register(program: Command): void {
  program
    .command('emulate')
    .description('run an emulator of Cetec, Paperless Parts or CableBuilder on loopback')
    .argument('<system>', SYSTEMS.join(' | '))
    .option('--host <host>', 'loopback address to listen on', '127.0.0.1')
    .option('--port <port>', 'port (0 picks a free one)', '0')
    .option('--seed <n>', 'seed of generated data and random faults', '1')
    .option('--orders <n>', 'paperless: generated orders to add to the fixtures', '10')
    .action(async (system: string, options: EmulateOptions) => {
      if (!(SYSTEMS as readonly string[]).includes(system)) {
        throw new ConfigError(`emulate: unknown system ${JSON.stringify(system)} (choose ${SYSTEMS.join(', ')})`);
      }
      if (!/^(127\.\d+\.\d+\.\d+|localhost|::1)$/.test(options.host)) {
        throw new ConfigError(`emulate: --host must be a loopback address, got ${JSON.stringify(options.host)}`);
      }
      const running = await startEmulator(system as System, options);
      process.stdout.write(`${system} emulator listening on ${running.url}\n${running.notes.join('\n')}\nPress Ctrl-C to stop.\n`);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await running.close();
    });
}

type Running = { url: string; notes: string[]; close(): Promise<void> };

async function startEmulator(system: System, options: EmulateOptions): Promise<Running> {
  const host = options.host;
  const port = Number(options.port);
  const seed = Number(options.seed);
  const token = (name: string, notes: string[]): string => {
    const fromEnv = process.env[name];
    if (fromEnv) {
      notes.push(`token: the value of $${name}`);
      return fromEnv;
    }
    const generated = `emu-${randomBytes(12).toString('hex')}`;
    notes.push(`token (generated; export ${name}=${generated} for the hub)`);
    return generated;
  };
  const notes: string[] = [];
  switch (system) {
    case 'cetec': {
      const { startCetecEmulator } = await import('../../emulators/cetec/server.ts');
      const emulator = await startCetecEmulator({ host, port, tokens: [token('CETEC_TOKEN', notes)], faults: { seed } });
      notes.push(`control and read-back: ${emulator.url}/__emulator/state (docs/emulators/cetec.md)`);
      return { url: emulator.url, notes, close: () => emulator.close() };
    }
    case 'paperless': {
      const { startPaperlessEmulator } = await import('../../emulators/paperless/server.ts');
      const emulator = await startPaperlessEmulator({
        host,
        port,
        token: token('PAPERLESS_TOKEN', notes),
        generated: { seed, count: Number(options.orders) },
        faults: { seed },
      });
      notes.push(`managed integration: ${emulator.integrationUuid}`, `control: ${emulator.url}/__emulator/ (docs/emulators/paperless.md)`);
      return { url: emulator.url, notes, close: () => emulator.close() };
    }
    case 'cablebuilder': {
      const { startCableBuilderEmulator } = await import('../../emulators/cablebuilder/server.ts');
      const emulator = await startCableBuilderEmulator({ host, port });
      notes.push(`control: see docs/emulators/cablebuilder.md`);
      return { url: emulator.url, notes, close: () => emulator.close() };
    }
  }
}
