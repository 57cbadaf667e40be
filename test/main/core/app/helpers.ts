// Small fixtures for the app-layer tests: temp folders and real image files.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import type { z } from 'zod';
import { invokeChannels, type Envelope, type InvokeChannel, type ResponseOf } from '@common/contract';
import type { Handlers } from '../../../../main/core/app/handlers';
import type { BatchSettings } from '../../../../main/core/domain';
import type { TestApp } from '../../../harness/test-app';

export function tempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export async function writeImage(
  path: string,
  options: { width?: number; height?: number; format?: 'jpeg' | 'png' | 'webp'; color?: string } = {},
): Promise<string> {
  mkdirSync(dirname(path), { recursive: true });
  const image = sharp({
    create: {
      width: options.width ?? 640,
      height: options.height ?? 480,
      channels: 3,
      background: options.color ?? '#3366cc',
    },
  });
  await image.toFormat(options.format ?? 'jpeg').toFile(path);
  return path;
}

export function batchSettings(outputDir: string, overrides: Partial<BatchSettings> = {}): BatchSettings {
  return {
    modelId: 'kling/kling-3.0/standard/image-to-video',
    promptTemplate: 'A slow dolly shot of {name}',
    negativePrompt: '',
    duration: 5,
    generateAudio: false,
    cfgScale: 0.5,
    outputDir,
    outputNameTemplate: '{name}.mp4',
    concurrency: 3,
    budgetUsd: null,
    urlPrefix: null,
    ...overrides,
  };
}

/** Calls a channel and checks the answer is an Envelope whose value fits the response schema. */
export async function call<C extends InvokeChannel>(
  handlers: Handlers,
  channel: C,
  payload: unknown,
): Promise<Envelope<ResponseOf<C>>> {
  const envelope = (await handlers[channel](payload)) as Envelope<ResponseOf<C>>;
  assertEnvelope(channel, envelope);
  return envelope;
}

export function assertEnvelope(channel: InvokeChannel, envelope: unknown): void {
  const e = envelope as Envelope<unknown>;
  if (e.ok === true) {
    const schema = invokeChannels[channel].response as z.ZodType;
    const parsed = schema.safeParse(e.value);
    if (!parsed.success)
      throw new Error(`${channel} answered a value outside its response schema: ${parsed.error.message}`);
  } else if (e.ok === false) {
    if (typeof e.error?.code !== 'string' || typeof e.error.message !== 'string' || !e.error.message)
      throw new Error(`${channel} answered a malformed error: ${JSON.stringify(e)}`);
  } else {
    throw new Error(`${channel} did not answer an envelope: ${JSON.stringify(envelope)}`);
  }
}

/** The value of an ok envelope, or a thrown error naming the channel and the error. */
export async function value<C extends InvokeChannel>(handlers: Handlers, channel: C, payload: unknown) {
  const envelope = await call(handlers, channel, payload);
  if (!envelope.ok) throw new Error(`${channel} failed: ${envelope.error.code}: ${envelope.error.message}`);
  return envelope.value;
}

/**
 * Makes a finished batch through the handler map and the real engine: scans `paths`, creates
 * the batch with `settings`, starts it and waits until the engine is idle. Returns its id.
 */
export async function runBatch(
  app: TestApp,
  paths: string[],
  settings: BatchSettings,
  idleMs = 20_000,
): Promise<number> {
  const { scanId } = await value(app.handlers, 'command:scan.start', { paths });
  await app.core.scans.whenFinished(scanId);
  const { batchId } = await value(app.handlers, 'command:batch.create', { scanId, settings });
  await value(app.handlers, 'command:batch.start', { batchId });
  await app.engine.idle(idleMs);
  return batchId;
}
