#!/usr/bin/env node
// Entry point of the `shopwire` command. shopwire runs TypeScript directly with Node's type
// stripping: Node.js 24 (what `npm install` puts in node_modules/.bin), or 22.18 and newer.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `shopwire needs Node.js 24 (or 22.18+); this is ${process.version}.\n` +
      'Run it through npm (npm exec shopwire -- ..., npm run demo), which uses the Node 24 that `npm install` put in node_modules/.bin.\n',
  );
  process.exit(1);
}
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
