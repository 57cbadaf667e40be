// `npm run bench`: every benchmark in its own fresh Node process (node --expose-gc --import tsx
// bench/worker.ts <name>), one after another so they do not compete for the two cores. Prints
// each bench's rows as it ends, then a markdown table with the machine it ran on; writes the
// table to bench/results/latest.md and into README.md's "## Benchmarks" section.
// `npm run bench -- slots intake` runs only those. BENCH_FULL=1 uses the full sizes.
import { execFileSync, spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Row } from './lib';

const ALL = [
  'slots',
  'cold',
  'intake',
  'overhead',
  'download',
  'memory',
  'startup',
  'renderer',
  'review-grid',
  'pickup',
  'queue',
  'watch',
  'picker',
];
const ROOT = join(__dirname, '..');

function runWorker(name: string): Promise<{ rows: Row[]; seconds: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', join(__dirname, 'worker.ts'), name],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      for (const line of d.toString().split('\n'))
        if (line && !line.startsWith('BENCH-ROWS ')) process.stdout.write(`  [${name}] ${line}\n`);
    });
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('BENCH-ROWS '));
      if (code !== 0 || !line) return reject(new Error(`bench ${name} failed (exit ${code})`));
      resolve({
        rows: JSON.parse(line.slice('BENCH-ROWS '.length)) as Row[],
        seconds: (performance.now() - started) / 1000,
      });
    });
  });
}

function machine(): string {
  let model = cpus()[0]?.model ?? 'unknown CPU';
  try {
    model = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? model;
  } catch {
    // Not Linux: os.cpus() is good enough.
  }
  let load = '';
  try {
    load = `, load average at start ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`;
  } catch {
    load = '';
  }
  return `Node ${process.version}, ${model}, ${cpus().length} cores${load}`;
}

const escape = (text: string) => text.replace(/\|/g, '\\|');

function table(rows: Row[]): string {
  const lines = ['| bench | name | figure | baseline | ratio |', '|---|---|---|---|---|'];
  for (const r of rows)
    lines.push(`| ${[r.bench, r.name, r.figure, r.baseline, r.ratio].map(escape).join(' | ')} |`);
  return lines.join('\n');
}

function updateReadme(section: string): void {
  const path = join(ROOT, 'README.md');
  const readme = readFileSync(path, 'utf8');
  const start = readme.search(/^## Benchmarks\s*$/m);
  let next = -1;
  if (start >= 0) {
    const after = readme.slice(start + 1).search(/^## /m);
    next = after >= 0 ? start + 1 + after : -1;
  }
  const updated =
    start < 0
      ? `${readme.trimEnd()}\n\n${section}\n`
      : `${readme.slice(0, start)}${section}\n${next >= 0 ? `\n${readme.slice(next)}` : ''}`;
  writeFileSync(path, updated);
  // Align the table the way `npm run lint` (prettier --check) expects.
  try {
    execFileSync(join(ROOT, 'node_modules/.bin/prettier'), ['--write', path], { stdio: 'ignore' });
  } catch {
    console.warn('prettier could not format README.md; run: npx prettier --write README.md');
  }
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const names = wanted.length ? wanted : ALL;
  const unknown = names.filter((n) => !ALL.includes(n));
  if (unknown.length) throw new Error(`Unknown bench ${unknown.join(', ')}; choose from ${ALL.join(', ')}.`);
  const host = machine();
  console.log(`Benchmarks on ${host}\n`);
  const started = performance.now();
  const rows: Row[] = [];
  for (const name of names) {
    console.log(`${name}…`);
    const result = await runWorker(name);
    rows.push(...result.rows);
    for (const r of result.rows) console.log(`  ${r.name} | ${r.figure} | ${r.baseline} | ${r.ratio}`);
    console.log(`  (${result.seconds.toFixed(0)} s)\n`);
  }
  const total = (performance.now() - started) / 1000;
  const date = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const section = [
    '## Benchmarks',
    '',
    `\`npm run bench\` (see bench/README.md for what each figure means), ${date} UTC, ${total.toFixed(0)} s` +
      `${process.env.BENCH_FULL ? ', full sizes' : ''}, on: ${host}.`,
    '',
    table(rows),
  ].join('\n');
  console.log(`${section}\n`);
  mkdirSync(join(__dirname, 'results'), { recursive: true });
  writeFileSync(join(__dirname, 'results', 'latest.md'), `${section}\n`);
  if (names.length === ALL.length) updateReadme(section);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
