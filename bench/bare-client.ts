// A bare reference client for the baselines: submit, poll /result on a fixed step, download
// with plain fetch into a file. No database, no retries, no state machine: the least work a
// client can do per job, so "engine / bare" is the price of what the engine adds (durable
// state, crash safety, adaptive polling, budget, events).
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Clock } from '../main/core/util/clock';
import type { TinyImage } from './lib';

const MODEL = 'kling/kling-3.0/standard/image-to-video';

export async function bareRun(options: {
  baseUrl: string;
  apiKey: string;
  images: TinyImage[];
  outDir: string;
  concurrency: number;
  clock: Clock;
  /** Simulated ms before the first /result and between the next ones. */
  firstPollMs: number;
  pollMs: number;
}): Promise<{ requests: number }> {
  const headers = { Authorization: `Bearer ${options.apiKey}`, 'Content-Type': 'application/json' };
  let next = 0;
  let requests = 0;
  const one = async (image: TinyImage) => {
    const bytes = await readFile(image.path);
    const body = JSON.stringify({
      prompt: `A slow dolly shot of ${image.relativePath}`,
      start_image_url: `data:image/png;base64,${bytes.toString('base64')}`,
      duration: 5,
      generate_audio: false,
      cfg_scale: 0.5,
    });
    requests++;
    const submit = (await (
      await fetch(`${options.baseUrl}/v1/models/${MODEL}`, { method: 'POST', headers, body })
    ).json()) as {
      request_id: string;
      result_url: string;
    };
    await options.clock.sleep(options.firstPollMs);
    for (;;) {
      requests++;
      const result = (await (await fetch(submit.result_url, { headers })).json()) as {
        status: string;
        output?: { video?: string };
      };
      if (result.status === 'succeeded' && result.output?.video) {
        requests++;
        const video = await fetch(result.output.video);
        await pipeline(
          Readable.fromWeb(video.body as never),
          createWriteStream(join(options.outDir, `${submit.request_id}.mp4`)),
        );
        return;
      }
      if (result.status === 'failed' || result.status === 'cancelled')
        throw new Error(`job ${submit.request_id} ${result.status}`);
      await options.clock.sleep(options.pollMs);
    }
  };
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (next < options.images.length) await one(options.images[next++]!);
    }),
  );
  return { requests };
}
