#!/usr/bin/env node
// Entry point of the `shopwire` command. shopwire runs TypeScript directly with Node's type
// stripping: Node.js 24 (what `npm install` puts in node_modules/.bin), or 22.18 and newer.
// Everything an older Node cannot load is imported only after the version check (a static import
// would fail first, with a SyntaxError instead of this message), so this file must stay plain
// JavaScript that Node 18 and 20 parse.
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `shopwire needs Node.js 24 (or 22.18 or newer); this is Node.js ${process.version}.\n` +
      'Run `npm install` in the shopwire folder (it installs Node.js 24 into node_modules/.bin), then use\n' +
      '`npm run shopwire -- <command>` (or `npm run demo`), which runs on that Node. See README.md, "Quick start".\n',
  );
  process.exit(1);
}
const { fileURLToPath } = await import('node:url');
const { LONG_RUNNING_COMMANDS, relaunchWithMemorySettings, useCompileCache } = await import('./process-settings.js');
const args = process.argv.slice(2);
// The first word that is not an option (or an option's value) is the command.
const command = args.find((a, i) => !a.startsWith('-') && !['-c', '--config'].includes(args[i - 1] ?? ''));
if (command !== undefined && LONG_RUNNING_COMMANDS.includes(command)) relaunchWithMemorySettings(fileURLToPath(import.meta.url), args);
useCompileCache();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(args);
