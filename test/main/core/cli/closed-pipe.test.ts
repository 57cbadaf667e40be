// `stillmotion run ... | head`: the reader of the output goes away while the batch runs. Paid
// generations may be in flight; the run must finish them and download the videos, writing
// nowhere, rather than die on the first write (EPIPE) and leave them for a `resume` the user may
// not know is needed.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { childEnv, cli, startCli, tempDir, writeImages } from './helpers';

const work = tempDir('sm-cli-pipe-');
afterAll(() => work.remove());

describe('stillmotion run with its output closed early', () => {
  it('finishes the batch and downloads every video after the reader of stdout goes away', async () => {
    const images = join(work.path, 'images');
    const out = join(work.path, 'out');
    await writeImages(images, 3);
    const env = childEnv(join(work.path, 'data'));
    const run = startCli(['run', images, '-t', '{name}', '--simulate', '--out', out], env);
    // Like `| head -1`: read the first line, then close the pipe.
    await new Promise<void>((resolve) => {
      const onData = () => {
        run.child.stdout!.off('data', onData);
        run.child.stdout!.destroy();
        resolve();
      };
      run.child.stdout!.on('data', onData);
    });
    const code = await run.exited;
    expect(run.stderr()).not.toContain('EPIPE');
    expect(code).toBe(0);
    const videos = existsSync(out) ? readdirSync(out, { recursive: true, encoding: 'utf8' }) : [];
    expect(videos.filter((f) => f.endsWith('.mp4')).sort()).toEqual([
      'day-2/shot-1.mp4',
      'shot-0.mp4',
      'shot-2.mp4',
    ]);
    const status = await cli(['status', '1'], env);
    expect(status.stdout).toContain('finished');
  });
});
