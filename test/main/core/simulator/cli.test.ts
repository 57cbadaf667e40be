import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { optionsFromArgs } from '../../../../main/core/simulator/cli-options';
import { DEMO_API_KEY } from '../../../../main/core/simulator/index';
import { dataUri, PNG_1X1 } from './helpers';

const root = resolve(__dirname, '../../../..');

describe('simulator CLI', () => {
  it('starts, prints its URL and key, answers like the API, and stops cleanly on SIGINT', async () => {
    // Node itself with tsx's loader (what `npm run simulator` runs), no package manager in
    // between; its own process group, so SIGINT reaches it like a Ctrl-C would.
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'main/core/simulator/cli.ts', '--port', '0', '--time-scale', '0.001'],
      {
        cwd: root,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = once(child, 'exit');
    let url: string | undefined;
    try {
      const deadline = Date.now() + 20_000;
      while (!/Press Ctrl-C/.test(stdout) && Date.now() < deadline && child.exitCode === null)
        await new Promise((r) => setTimeout(r, 50));
      url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1];
      expect(url, `stdout: ${stdout}\nstderr: ${stderr}`).toBeDefined();
      expect(stdout).toContain(DEMO_API_KEY);
      expect(stdout).toContain('curl');

      const headers = { Authorization: `Bearer ${DEMO_API_KEY}`, 'Content-Type': 'application/json' };
      const submit = await fetch(`${url}/v1/models/kling/kling-3.0/standard/image-to-video`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          prompt: 'cli',
          start_image_url: dataUri(PNG_1X1),
          duration: 5,
          generate_audio: false,
        }),
      });
      expect(submit.status).toBe(200);
      const { status_url } = (await submit.json()) as { status_url: string };
      const status = (await (await fetch(status_url, { headers })).json()) as { status: string };
      expect(['in_queue', 'in_progress', 'completed']).toContain(status.status);
    } finally {
      if (child.exitCode === null) process.kill(-child.pid!, 'SIGINT');
    }
    const [code, signal] = await exited;
    // It handles SIGINT and exits 0 (not killed by the signal).
    expect([code, signal]).toEqual([0, null]);
    expect(stdout).toMatch(/SIGINT: stopping\. 1 submits/);
    expect(stderr).not.toMatch(/Error/);
    // The server really closed: nothing listens on its port any more.
    await expect(fetch(`${url}/v1/models/x`)).rejects.toThrow();
  });

  it('turns flags into options and refuses bad values', () => {
    const options = optionsFromArgs([
      '--port',
      '4010',
      '--time-scale',
      '0.01',
      '--seed',
      '3',
      '--concurrency-cap',
      '2',
      '--http5xx',
      '0.1',
      '--retry-after',
      'http-date',
      '--fault-targets',
      'submit,download',
      '--output-shape',
      'videos',
      '--errors-as-http200',
      '--key',
      'team=25',
      '--max-active',
      '8',
      '--success-on-status',
      'succeeded',
    ]);
    expect(options).toMatchObject({
      port: 4010,
      timeScale: 0.01,
      seed: 3,
      concurrencyCap: 2,
      faults: { http5xx: 0.1, retryAfter: 'http-date' },
      faultTargets: ['submit', 'download'],
      maxActivePerAccount: 8,
      variants: { outputShape: 'videos', errorsAsHttp200: true, successOnStatus: 'succeeded' },
      apiKeys: { [DEMO_API_KEY]: 1000, team: 25 },
    });
    expect(optionsFromArgs(['--help'])).toBe('help');
    expect(() => optionsFromArgs(['--time-scale', 'fast'])).toThrow(
      /--time-scale must be a number, got 'fast'/,
    );
    expect(() => optionsFromArgs(['--output-shape', 'mp4'])).toThrow(/video, videos/);
    expect(() => optionsFromArgs(['--bogus'])).toThrow();
  });
});
