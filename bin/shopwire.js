#!/usr/bin/env node
// Entry point of the `shopwire` command. shopwire runs TypeScript directly with Node's type
// stripping, which needs Node.js 24; `npm install` provides it in node_modules/.bin.
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  process.stderr.write(
    `shopwire needs Node.js 24 or newer; this is ${process.version}.\n` +
      'Run it through npm (npm exec shopwire -- ..., npm run demo), which uses the Node 24 that `npm install` put in node_modules/.bin.\n',
  );
  process.exit(1);
}
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
