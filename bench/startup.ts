// Bench 7: how long the installed CLI takes to answer `stillmotion --help` and `stillmotion
// status` (the built bundle, as `npm install -g` runs it), against starting Node itself.
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { childrenCpuMs, percentile, ratio, tempDir, type Row } from './lib';

const ROOT = join(__dirname, '..');
const RUNS = 15;

interface Run {
  wall: number;
  cpu: number | null;
}

function measure(args: string[], env: NodeJS.ProcessEnv): Run {
  const cpuBefore = childrenCpuMs();
  const started = performance.now();
  const result = spawnSync(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
  const wall = performance.now() - started;
  if (result.status !== 0)
    throw new Error(`node ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  const cpuAfter = childrenCpuMs();
  return { wall, cpu: cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore };
}

const median = (values: number[]) => percentile(values, 0.5);

export async function benchStartup(): Promise<Row[]> {
  execFileSync(process.execPath, [join(ROOT, 'scripts/build-cli.mjs')], { cwd: ROOT, stdio: 'ignore' });
  const data = tempDir('sm-bench-startup-');
  const bin = join(ROOT, 'bin/stillmotion.mjs');
  const env = { ...process.env, STILLMOTION_CLI: 'bundle', STILLMOTION_DATA_DIR: data.path };
  try {
    // The first status creates and migrates the database; users pay that once.
    measure([bin, 'status'], env);
    const runs: Record<'zero' | 'help' | 'status', Run[]> = { zero: [], help: [], status: [] };
    // Interleaved, so a burst of load on a shared machine hits all three alike.
    for (let i = 0; i < RUNS; i++) {
      runs.zero.push(measure(['-e', '0'], env));
      runs.help.push(measure([bin, '--help'], env));
      runs.status.push(measure([bin, 'status'], env));
    }
    const wall = (key: keyof typeof runs) => median(runs[key].map((r) => r.wall));
    const cpu = (key: keyof typeof runs) =>
      runs[key].some((r) => r.cpu === null) ? null : median(runs[key].map((r) => r.cpu!));
    const cpuNote = (key: keyof typeof runs) =>
      cpu(key) === null ? '' : ` (CPU ${cpu(key)!.toFixed(0)} ms)`;
    return [
      {
        bench: '7 startup',
        name: `CLI start to exit, built bundle, median of ${RUNS}: --help / status (empty database)`,
        figure: `${wall('help').toFixed(0)} ms${cpuNote('help')} / ${wall('status').toFixed(0)} ms${cpuNote('status')}`,
        baseline: `node -e 0: ${wall('zero').toFixed(0)} ms${cpuNote('zero')}`,
        ratio: `${ratio(wall('help'), wall('zero'), 1)} / ${ratio(wall('status'), wall('zero'), 1)}`,
      },
    ];
  } finally {
    data.remove();
  }
}
