// Bench 14, the model picker with RunComfy's live catalog: in the browser harness (the built
// renderer in the system Chromium, the real app core behind it), the time from a click on the
// New batch form's folded Model part to its list of models being in the page and enabled (the
// page's own clock, read at the animation frame that first holds every card), median of 7
// fresh pages. The catalog: the simulator's models plus 100 more image-to-video models, as
// RunComfy lists them (about the size of its image-to-video category), fetched at the app's start
// and so cached on disk, as after a first launch. Third case: the same while a refresh of the
// catalog is on its way and held unanswered (stall-proxy.ts), which shows whether the picker
// waits for the network. Baseline: the same form with only the shipped models (no live catalog).
import type { Page } from 'playwright-core';
import { DEMO_API_KEY, startSimulator } from '../main/core/simulator';
import type { SimulatedModel } from '../main/core/simulator/simulated-models';
import { browser, closeBrowser, startSession, writeImages, type Session } from '../test/renderer/helpers';
import { ratio, percentile, type Row } from './lib';
import { ensureBuilt } from './renderer';
import { startStallProxy } from './stall-proxy';

const OPENINGS = 7;
const EXTRA_MODELS = 100;

// Callbacks passed to page.evaluate run in the page; the node project has no DOM lib.
interface PageNode {
  disabled: boolean;
  click(): void;
}
declare const document: {
  querySelector(selector: string): PageNode | null;
  querySelectorAll(selector: string): ArrayLike<PageNode>;
};
declare const performance: { now(): number };

/** 100 image-to-video models of a dozen families, described as RunComfy's catalog does. */
function catalogModels(): SimulatedModel[] {
  const families = [
    ['kling', 'Kling'],
    ['wan-ai', 'Wan'],
    ['minimax', 'Hailuo'],
    ['bytedance', 'Seedance'],
    ['google-deepmind', 'Veo'],
    ['pixverse', 'PixVerse'],
    ['ltx', 'LTX'],
    ['luma', 'Luma Ray'],
    ['pika', 'Pika'],
    ['runwayml', 'Runway'],
    ['tencent', 'Hunyuan'],
    ['vidu', 'Vidu'],
  ] as const;
  return Array.from({ length: EXTRA_MODELS }, (_, index) => {
    const [owner, family] = families[index % families.length]!;
    const version = `${1 + Math.floor(index / families.length)}-${index % 3}`;
    const tier = ['standard', 'pro', 'fast'][index % 3]!;
    return {
      modelId: `${owner}/${family.toLowerCase().replace(/ /g, '-')}-${version}/${tier}/image-to-video`,
      displayName: `${family} ${version.replace('-', '.')} ${tier[0]!.toUpperCase()}${tier.slice(1)} Image to Video`,
      usdPerSecond: { silent: 0.03 + (index % 10) / 100, audio: 0.05 + (index % 10) / 100 },
      priced: 'simulated',
      fields: {
        prompt: 'prompt',
        startImage: index % 2 ? 'image_url' : 'start_image_url',
        duration: 'duration',
      },
      required: ['prompt', index % 2 ? 'image_url' : 'start_image_url'],
      durations: { min: 3, max: 10, default: 5 },
    };
  });
}

/**
 * A fresh page on the New batch form (the session's images scanned), then the click on the
 * Model part: ms from the click to the frame that holds `expected` enabled model cards.
 */
async function openPicker(session: Session, expected: number): Promise<number> {
  const context = await (await browser()).newContext({ viewport: { width: 1280, height: 860 } });
  try {
    const page: Page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.setDefaultTimeout(30_000);
    await page.goto(`${session.harness.url}/#/new`);
    await page.getByRole('button', { name: 'Choose folders or images…' }).click();
    await page.getByTestId('scan-summary').waitFor();
    const toggle = '[data-testid=section-model] .form-section-toggle';
    await page.locator(toggle).waitFor();
    const start = await page.evaluate((selector) => {
      const at = performance.now();
      document.querySelector(selector)!.click();
      return at;
    }, toggle);
    const ready = (await (
      await page.waitForFunction(
        (count) => {
          const cards = Array.from(document.querySelectorAll('[data-testid=model-picker] input[name=model]'));
          return cards.length >= count && cards.every((card) => !card.disabled) ? performance.now() : false;
        },
        expected,
        { polling: 'raf', timeout: 30_000 },
      )
    ).jsonValue()) as number;
    if (errors.length) throw new Error(`the page failed while the picker opened: ${errors.join('; ')}`);
    return ready - start;
  } finally {
    await context.close();
  }
}

export async function benchPicker(): Promise<Row[]> {
  ensureBuilt();
  const sim = await startSimulator({ extraModels: catalogModels(), apiKeys: { [DEMO_API_KEY]: 1_000 } });
  const proxy = await startStallProxy(sim.url);
  const live = await startSession('bench-picker-live', {
    liveCatalog: true,
    settings: { notifications: false, apiBaseUrl: proxy.url },
  });
  const shipped = await startSession('bench-picker-shipped', { liveCatalog: false });
  try {
    for (const session of [live, shipped]) await writeImages(session.inputDir, 2);
    const count = (session: Session) => session.harness.core.services.models.list().length;
    const source = live.harness.core.services.models.source();
    if (source.kind !== 'runcomfy')
      throw new Error(`the live session's catalog is ${source.kind} (${source.why}), not RunComfy's`);
    const expected = { live: count(live), shipped: count(shipped) };
    // One opening each first: Chromium's own start and the page's caches, paid by neither.
    await openPicker(shipped, expected.shipped);
    await openPicker(live, expected.live);
    const times = { shipped: [] as number[], live: [] as number[], stalled: [] as number[] };
    // Interleaved, so a burst of load on the shared machine hits every case alike.
    for (let i = 0; i < OPENINGS; i++) {
      times.shipped.push(await openPicker(shipped, expected.shipped));
      times.live.push(await openPicker(live, expected.live));
      proxy.stall();
      const refresh = live.harness.core.services.models.refresh();
      while (proxy.held() === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      times.stalled.push(await openPicker(live, expected.live));
      proxy.release();
      await refresh;
    }
    console.log(JSON.stringify({ expected, times }));
    const ms = (values: number[]) =>
      `${percentile(values, 0.5).toFixed(0)} ms (max ${Math.max(...values).toFixed(0)})`;
    const base = `${expected.shipped} shipped models only: ${ms(times.shipped)}`;
    const median = (values: number[]) => percentile(values, 0.5);
    return [
      {
        bench: '14 picker',
        name: `model picker opened (click on the Model part -> every card in the page, enabled), ${expected.live} models from RunComfy's catalog (cached on disk, fetched at start), median of ${OPENINGS}`,
        figure: ms(times.live),
        baseline: base,
        ratio: ratio(median(times.live), median(times.shipped)),
      },
      {
        bench: '14 picker',
        name: `the same while a refresh of the catalog is on its way and held unanswered (does the picker wait for the network?)`,
        figure: ms(times.stalled),
        baseline: base,
        ratio: ratio(median(times.stalled), median(times.shipped)),
      },
    ];
  } finally {
    proxy.release();
    await closeBrowser();
    await live.close();
    await shipped.close();
    await proxy.close();
    await sim.close();
  }
}
