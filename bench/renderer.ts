// Bench 9: the renderer with a 10,000-item batch in headless Chromium (the browser harness: the
// built renderer, the real engine behind the app's handler map), timed by the browser's own
// performance timeline. First row: navigation start -> the frame after the first item row is in
// the page (a performance mark), median of 3 fresh pages; baseline the same for a 10-item
// batch. Scrolling: requestAnimationFrame timestamps while the list scrolls at 3,000 px/s for
// 4 s; baseline the frame rate of the same page standing still.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import type { PlannedItem } from '../main/core/domain';
import { browser, closeBrowser, startSession, writeImages, type Session } from '../test/renderer/helpers';
import { ratio, type Row } from './lib';
import { batchSettings } from '../test/main/core/app/helpers';

const TOTAL = 10_000;
const SMALL = 10;
const PAGES = 3;
const SCROLL_PX_PER_S = 3_000;
const SCROLL_MS = 4_000;
const ROOT = resolve(__dirname, '..');

// Callbacks passed to page.evaluate run in the page; the node project has no DOM lib, so these
// declare just what they touch (module-local, not global).
interface PageNode {
  scrollTop: number;
  scrollHeight: number;
  clientHeight: number;
}
declare const document: {
  querySelector(selector: string): PageNode | null;
};
declare const performance: {
  now(): number;
  mark(name: string): void;
  getEntriesByName(name: string): { startTime: number }[];
};
declare function requestAnimationFrame(callback: (time: number) => void): number;

/** Newest modification time under `dir` (source files), 0 when it is not there. */
function newest(dir: string): number {
  if (!existsSync(dir)) return 0;
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    latest = Math.max(latest, statSync(join(entry.parentPath ?? entry.path, entry.name)).mtimeMs);
  }
  return latest;
}

/** The harness serves out/renderer: built again when it is missing or older than its sources. */
export function ensureBuilt(): void {
  const index = join(ROOT, 'out', 'renderer', 'index.html');
  const built = existsSync(index) ? statSync(index).mtimeMs : 0;
  const sources = Math.max(newest(join(ROOT, 'renderer')), newest(join(ROOT, 'preload')));
  if (built > sources) return;
  console.log('building the renderer (npx electron-vite build)…');
  execFileSync('npx', ['electron-vite', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
}

function items(session: Session, image: string, count: number): PlannedItem[] {
  return Array.from({ length: count }, (_, i) => {
    const name = `frame-${String(i + 1).padStart(5, '0')}`;
    return {
      sourcePath: join(session.inputDir, image),
      rootPath: session.inputDir,
      relativePath: `frames/${name}.jpg`,
      imageHash: `${count}-${i}`.padStart(64, '0'),
      renderedPrompt: `A slow push-in on ${name}`,
      request: { prompt: `A slow push-in on ${name}` },
      requestFingerprint: `fp-${count}-${i}`,
      estimatedCostUsd: 0.42,
      outputRelativePath: `frames/${name}.mp4`,
      notes: [],
      verdict: null,
    };
  });
}

/** A fresh page that marks 'first-row' in the frame after the first item row is in the page. */
async function freshPage(): Promise<Page> {
  const context = await (await browser()).newContext({ viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  // tsx (esbuild keepNames) wraps named functions in the callbacks below in __name(), which the
  // page does not have: give it a no-op one.
  await page.addInitScript({ content: 'globalThis.__name = globalThis.__name || ((fn) => fn);' });
  await page.addInitScript(() => {
    const win = globalThis as unknown as {
      MutationObserver: new (callback: () => void) => {
        observe(target: unknown, options: object): void;
        disconnect(): void;
      };
      document: { querySelector(selector: string): unknown };
      setTimeout(callback: () => void, ms: number): void;
    };
    const observer = new win.MutationObserver(() => {
      if (!win.document.querySelector('[data-testid=item-row]')) return;
      observer.disconnect();
      // rAF runs before the frame that shows the row is painted; the task after it, once it is.
      requestAnimationFrame(() => win.setTimeout(() => performance.mark('first-row'), 0));
    });
    // The document itself: its <html> element may not be parsed yet when this runs.
    observer.observe(win.document, { childList: true, subtree: true });
  });
  return page;
}

async function firstRowMs(session: Session, batchId: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < PAGES; i++) {
    const page = await freshPage();
    await page.goto(`${session.harness.url}/#/batch/${batchId}`);
    await page.waitForFunction(() => performance.getEntriesByName('first-row').length > 0, null, {
      timeout: 30_000,
    });
    times.push(await page.evaluate(() => performance.getEntriesByName('first-row')[0]!.startTime));
    await page.context().close();
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

/** Frame timestamps for `ms`, scrolling the list at `pxPerS` (0: standing still). */
async function frames(page: Page, pxPerS: number, ms: number): Promise<{ fps: number; long: number }> {
  return page.evaluate(
    ({ pxPerS, ms }) =>
      new Promise<{ fps: number; long: number }>((done) => {
        const list = document.querySelector('[data-testid=item-scroll]')!;
        const stamps: number[] = [];
        let start = -1;
        const step = (time: number) => {
          if (start < 0) start = time;
          stamps.push(time);
          list.scrollTop = Math.min(((time - start) / 1000) * pxPerS, list.scrollHeight - list.clientHeight);
          if (time - start < ms) requestAnimationFrame(step);
          else {
            let long = 0;
            for (let i = 1; i < stamps.length; i++) if (stamps[i]! - stamps[i - 1]! > 25) long++;
            done({ fps: ((stamps.length - 1) * 1000) / (time - start), long });
          }
        };
        requestAnimationFrame(step);
      }),
    { pxPerS, ms },
  );
}

export async function benchRenderer(): Promise<Row[]> {
  ensureBuilt();
  const session = await startSession('bench', { settings: { simulated: true, notifications: false } });
  try {
    const [image] = await writeImages(session.inputDir, 1, { prefix: 'frame' });
    const settings = batchSettings(session.outputDir, { promptTemplate: 'A slow push-in on {name}' });
    // Planned items, never started: the list, not the engine, is measured.
    const engine = session.harness.engine;
    const big = engine.createBatch(settings, items(session, image!, TOTAL), 'Ten thousand frames');
    const small = engine.createBatch(settings, items(session, image!, SMALL), 'Ten frames');
    const smallMs = await firstRowMs(session, small);
    const bigMs = await firstRowMs(session, big);

    const page = await freshPage();
    await page.goto(`${session.harness.url}/#/batch/${big}`);
    await page.waitForFunction(() => performance.getEntriesByName('first-row').length > 0);
    const still = await frames(page, 0, 2_000);
    const scrolled = await frames(page, SCROLL_PX_PER_S, SCROLL_MS);
    await page.context().close();
    console.log(JSON.stringify({ smallMs, bigMs, still, scrolled }));
    return [
      {
        bench: '9 renderer',
        name: `first item row after navigation, ${TOTAL.toLocaleString('en')}-item batch (median of ${PAGES} pages)`,
        figure: `${bigMs.toFixed(0)} ms`,
        baseline: `${SMALL}-item batch: ${smallMs.toFixed(0)} ms`,
        ratio: ratio(bigMs, smallMs),
      },
      {
        bench: '9 renderer',
        name: `list scrolling at ${SCROLL_PX_PER_S} px/s for ${SCROLL_MS / 1000} s, ${TOTAL.toLocaleString('en')}-item batch`,
        figure: `${scrolled.fps.toFixed(1)} fps (${scrolled.long} frames > 25 ms)`,
        baseline: `page standing still: ${still.fps.toFixed(1)} fps`,
        ratio: ratio(scrolled.fps, still.fps),
      },
    ];
  } finally {
    await closeBrowser();
    await session.close();
  }
}
