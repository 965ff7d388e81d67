/**
 * The examples in README.md and docs/ are checked here, so they cannot drift from the code:
 *
 * - every ```yaml block is loaded by the real config loader (a fragment without `profiles` is
 *   loaded inside a minimal profile), so a misspelt or renamed key fails this test;
 * - every `shopwire …` command line in a code block or in the README's command table is matched
 *   against the real command-line parser: the command exists and every option it shows is one
 *   the command (or the program) accepts; `npm run <script>` names a script of package.json;
 * - a `$ shopwire …` line followed by its output is run, and each output line shown (other than
 *   `...`) must appear in the real output, in order.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { startCableBuilderEmulator } from '../../emulators/cablebuilder/server.ts';
import { buildProgram } from '../../src/cli/main.ts';
import { parseConfig } from '../../src/config/load.ts';
import { runDoctor } from '../../src/cli/doctor.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NODE = path.join(ROOT, 'node_modules/.bin/node');

type Block = { file: string; line: number; lang: string; text: string };

function markdownFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...markdownFiles(full));
    else if (entry.name.endsWith('.md')) out.push(full);
  }
  return out;
}

const FILES = [path.join(ROOT, 'README.md'), ...markdownFiles(path.join(ROOT, 'docs')).filter((f) => !f.includes(`${path.sep}reference${path.sep}`))];

function blocks(file: string): Block[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
    out.push({ file: path.relative(ROOT, file), line: start + 1, lang: open[1] ?? '', text: body.join('\n') });
  }
  return out;
}

const ALL_BLOCKS = FILES.flatMap(blocks);

/** A minimal valid profile for loading config fragments. */
const MINIMAL_PROFILE = { p: { cetec: { baseUrl: 'https://acme.cetecerp.com' } } };

test('every YAML example in README and docs/ loads with the real config loader, and doctor finds nothing to fix in it', async () => {
  const yamlBlocks = ALL_BLOCKS.filter((b) => b.lang === 'yaml' || b.lang === 'yml');
  assert.ok(yamlBlocks.length >= 3, `found ${yamlBlocks.length} yaml blocks`);
  for (const block of yamlBlocks) {
    const where = `${block.file}:${block.line}`;
    const raw = parseYaml(block.text) as Record<string, unknown>;
    assert.ok(raw && typeof raw === 'object', `${where}: not a YAML mapping`);
    const full = 'profiles' in raw ? block.text : `${block.text}\nprofiles: ${JSON.stringify(MINIMAL_PROFILE)}\n`;
    const dir = mkdtempSync(path.join(tmpdir(), 'shopwire-docs-'));
    if (typeof raw.secretsFile === 'string') writeFileSync(path.join(dir, raw.secretsFile), '{}\n', { mode: 0o600 });
    const file = path.join(dir, 'shopwire.yaml');
    writeFileSync(file, full);
    try {
      parseConfig(full, file, {});
    } catch (error) {
      assert.fail(`${where}: the example does not load: ${error instanceof Error ? error.message : String(error)}`);
    }
    // With every secret it names set, doctor finds nothing to fix in an example.
    const report = await runDoctor({ file, env: EVERY_SECRET_SET, quiet: true });
    assert.deepEqual(report.findings.filter((f) => f.level === 'error').map((f) => f.text), [], `${where}: doctor finds problems in the example`);
  }
});

/** An environment in which every secret name has its own value. */
const EVERY_SECRET_SET = new Proxy({} as NodeJS.ProcessEnv, {
  get: (_, name) => (typeof name === 'string' && /^[A-Z][A-Z0-9_]*$/.test(name) && !name.startsWith('SHOPWIRE_SECRETS') ? `value-of-${name}` : undefined),
});

/** Every command line shown in the docs, with where it is. */
function commandLines(): { where: string; line: string }[] {
  const out: { where: string; line: string }[] = [];
  for (const block of ALL_BLOCKS.filter((b) => ['', 'sh', 'bash', 'console'].includes(b.lang))) {
    const lines = block.text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      let line = lines[i]!.replace(/^\$\s+/, '');
      // Continuation lines.
      while (line.endsWith('\\') && i + 1 < lines.length) line = `${line.slice(0, -1)} ${lines[++i]!.trim()}`;
      line = line.replace(/\s+#.*$/, '').trim();
      if (/^(shopwire|npm exec shopwire --|npm run|node_modules\/\.bin\/node bin\/shopwire\.js)\s/.test(line)) out.push({ where: `${block.file}:${block.line + 1 + i}`, line });
    }
  }
  // The README's command table: `command …` in the first column.
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8').split('\n');
  readme.forEach((text, i) => {
    const cell = /^\| `([^`]+)` \|/.exec(text);
    if (cell) out.push({ where: `README.md:${i + 1}`, line: `shopwire ${cell[1]!.replace(/\\\|/g, '|')}` });
  });
  return out;
}

function optionNames(command: Command): Set<string> {
  const names = new Set<string>(['-h', '--help']);
  for (let c: Command | null = command; c; c = c.parent) {
    for (const option of c.options) {
      if (option.long) names.add(option.long);
      if (option.short) names.add(option.short);
      if (option.negate && option.long) names.add(option.long);
    }
  }
  return names;
}

test('every shopwire command line in README and docs/ names a real command and real options', async () => {
  const full = await buildProgram();
  const scripts = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const lines = commandLines();
  assert.ok(lines.length >= 25, `found ${lines.length} command lines`);
  const problems: string[] = [];
  for (const { where, line } of lines) {
    if (line.startsWith('npm run')) {
      const script = line.split(/\s+/)[2]!;
      if (!(script in scripts)) problems.push(`${where}: npm run ${script}: no such script in package.json`);
      if (script !== 'shopwire') continue;
    }
    const words = line
      .replace(/^(npm (exec|run) shopwire --|node_modules\/\.bin\/node bin\/shopwire\.js)/, 'shopwire')
      .replace(/[[\]]/g, ' ')
      .replace(/&$/, '')
      .split(/\s+/)
      .filter(Boolean)
      .slice(1);
    let command: Command = full;
    let descending = true;
    for (let i = 0; i < words.length; i++) {
      const word = words[i]!;
      if (word.startsWith('-')) {
        for (const name of word.split('|')) {
          const option = name.split('=')[0]!;
          if (option.startsWith('-') && !optionNames(command).has(option)) problems.push(`${where}: \`${line}\`: ${command.name()} has no option ${option}`);
        }
        // A global option's value (`-c file`) is not a command name.
        if (word === '-c' || word === '--config') i++;
        continue;
      }
      if (!descending || word.startsWith('<') || word === '...' || word === '…') {
        descending = false;
        continue;
      }
      const alternatives = word.split('|');
      const subs = alternatives.map((w) => command.commands.find((c) => c.name() === w || c.aliases().includes(w)));
      const sub = subs[0];
      if (sub && subs.every(Boolean)) command = sub;
      else if (command.commands.length > 0 && command.registeredArguments.length === 0) {
        problems.push(`${where}: \`${line}\`: ${command.name()} has no command ${word}`);
        descending = false;
      } else descending = false;
    }
  }
  assert.deepEqual(problems, []);
});

/** `$ shopwire …` lines followed by output: run them and compare. */
function transcripts(): { where: string; command: string; expected: string[] }[] {
  const out: { where: string; command: string; expected: string[] }[] = [];
  for (const block of ALL_BLOCKS.filter((b) => b.lang === '' || b.lang === 'console')) {
    const lines = block.text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (!lines[i]!.startsWith('$ shopwire')) continue;
      let command = lines[i]!.slice(2);
      while (command.endsWith('\\')) command = `${command.slice(0, -1)} ${lines[++i]!.trim()}`;
      if (command.trim().endsWith('&')) continue;
      const expected: string[] = [];
      while (i + 1 < lines.length && !lines[i + 1]!.startsWith('$ ')) expected.push(lines[++i]!);
      out.push({ where: `${block.file}:${block.line + 1 + i}`, command: command.trim(), expected: expected.filter((l) => l.trim() !== '...' && l.trim() !== '…' && l.trim() !== '') });
    }
  }
  return out;
}

test('every transcript in docs/ ($ shopwire … and its output) matches what the command prints', async () => {
  const cablebuilder = await startCableBuilderEmulator({});
  try {
    const base = cablebuilder.url;
    const shown = transcripts();
    assert.ok(shown.length >= 3, `found ${shown.length} transcripts`);
    for (const { where, command, expected } of shown) {
      const args = command
        .split(/\s+/)
        .slice(1)
        .map((a) => (a === '…' || a === 'http://127.0.0.1:8080/live/rest/erpIntegration' ? base : a));
      const result = await promisify(execFile)(NODE, [path.join(ROOT, 'bin/shopwire.js'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, SHOPWIRE_CONFIG: '' } }).catch(
        (error: { stdout: string; stderr: string }) => error,
      );
      const output = `${result.stdout}${result.stderr}`.split('\n');
      let at = 0;
      for (const line of expected) {
        const found = output.findIndex((o, i) => i >= at && o.trimEnd() === line.trimEnd());
        assert.ok(found >= 0, `${where}: \`${command}\` did not print ${JSON.stringify(line)} (after line ${at}); it printed:\n${output.join('\n')}`);
        at = found + 1;
      }
    }
  } finally {
    await cablebuilder.close();
  }
});

test('every file a doc example names exists', () => {
  const missing: string[] = [];
  for (const { where, line } of commandLines()) {
    for (const word of line.split(/\s+/)) {
      if (/^(test|fixtures|docs|src)\//.test(word) && !existsSync(path.join(ROOT, word))) missing.push(`${where}: ${word}`);
    }
  }
  assert.deepEqual(missing, []);
});
