#!/usr/bin/env node
// Entry point of the `shopwire` command. shopwire runs TypeScript directly with Node's type
// stripping: Node.js 24 (what `npm install` puts in node_modules/.bin), or 22.18 and newer.
import { fileURLToPath } from 'node:url';
import { LONG_RUNNING_COMMANDS, relaunchWithMemorySettings, useCompileCache } from './process-settings.js';

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `shopwire needs Node.js 24 (or 22.18+); this is ${process.version}.\n` +
      'Run it through npm (npm exec shopwire -- ..., npm run demo), which uses the Node 24 that `npm install` put in node_modules/.bin.\n',
  );
  process.exit(1);
}
const args = process.argv.slice(2);
// The first word that is not an option (or an option's value) is the command.
const command = args.find((a, i) => !a.startsWith('-') && !['-c', '--config'].includes(args[i - 1] ?? ''));
if (command !== undefined && LONG_RUNNING_COMMANDS.includes(command)) relaunchWithMemorySettings(fileURLToPath(import.meta.url), args);
useCompileCache();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(args);
