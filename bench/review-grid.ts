// Bench 9: how soon the review grid of a finished 2,000-item batch shows its first posters, in
// the browser harness (real engine, database, media route and simulator videos; the built
// renderer in a system Chromium). Baseline: the same grid for a 20-item batch, measured in the
// same run, interleaved: a ratio near 1 means the batch's size costs nothing at opening (only
// the rows on screen are mounted and only their posters decoded). Also counts the <video>
// elements in the DOM at the top and at the end of the 2,000 (the grid mounts at most ~100).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../test/harness/launch-browser';
import { startSession, type Session } from '../test/renderer/helpers';
import { percentile, ratio, runToEnd, tinyBatch, tinyImages, type Row } from './lib';

const ROOT = join(__dirname, '..');
const BIG = 2_000;
const SMALL = 20;
const RUNS = 5;
/** Beyond this many <video> elements the grid is not virtualizing: the bench fails. */
const MAX_VIDEOS = 100;

// The callbacks below run in the page; the node project has no DOM lib.
interface PageVideo {
  readyState: number;
}
declare const document: {
  querySelectorAll(selector: string): ArrayLike<PageVideo>;
  querySelector(selector: string): { scrollTop: number; scrollHeight: number; click(): void } | null;
};

interface Opening {
  /** From the start (see `open`) to the first poster decoded (readyState >= 2), page clock, ms. */
  first: number;
  /** From the start to every mounted poster decoded (the first screen and its overscan). */
  screen: number;
  videos: number;
}

async function finishedBatch(count: number): Promise<{ session: Session; batchId: number }> {
  const session = await startSession(`bench-grid-${count}`, {
    simulator: { concurrencyCap: 1000, generationMs: () => 0 },
  });
  const engine = session.harness.engine;
  const batchId = tinyBatch(engine, session.outputDir, tinyImages(session.inputDir, count), 20);
  engine.commands.startBatch(batchId);
  await runToEnd(engine, batchId);
  const done = engine.getBatch(batchId)!.counts.done;
  if (done !== count) throw new Error(`only ${done} of ${count} videos were made; the bench needs all`);
  return { session, batchId };
}

/**
 * Opens the grid and times it. `from: 'navigation'`: a fresh page loads the app straight onto
 * the grid (the clock starts at navigation). `from: 'tab'`: the app is showing the batch's item
 * list and the user clicks "Review videos" (the clock starts at the click).
 */
async function open(
  browser: Browser,
  session: Session,
  batchId: number,
  from: 'navigation' | 'tab',
): Promise<Opening> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  try {
    const page = await context.newPage();
    let start = 0;
    if (from === 'navigation') await page.goto(`${session.harness.url}/#/batch/${batchId}/review`);
    else {
      await page.goto(`${session.harness.url}/#/batch/${batchId}`);
      await page.locator('[data-testid=item-row]').first().waitFor();
      start = await page.evaluate(() => {
        const at = performance.now();
        document.querySelector('[data-testid=view-review]')!.click();
        return at;
      });
    }
    const poll = { polling: 'raf' as const, timeout: 30_000 };
    const first = (await (
      await page.waitForFunction(() => {
        const videos = Array.from(document.querySelectorAll('[data-testid=review-video]'));
        return videos.some((v) => v.readyState >= 2) ? performance.now() : false;
      }, poll)
    ).jsonValue()) as number;
    const screen = (await (
      await page.waitForFunction(() => {
        const videos = Array.from(document.querySelectorAll('[data-testid=review-video]'));
        return videos.length > 0 && videos.every((v) => v.readyState >= 2) ? performance.now() : false;
      }, poll)
    ).jsonValue()) as number;
    const videos = await page.evaluate(() => document.querySelectorAll('video').length);
    return { first: first - start, screen: screen - start, videos };
  } finally {
    await context.close();
  }
}

/** <video> elements in the DOM after scrolling to the end of the grid. */
async function videosAtEnd(browser: Browser, session: Session, batchId: number): Promise<number> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  try {
    const page = await context.newPage();
    await page.goto(`${session.harness.url}/#/batch/${batchId}/review`);
    await page.locator('[data-testid=review-video]').first().waitFor();
    await page.evaluate(() => {
      const scroller = document.querySelector('main.screen')!;
      scroller.scrollTop = scroller.scrollHeight;
    });
    await page.locator(`[role=gridcell][data-index="${BIG - 1}"]`).waitFor();
    return await page.evaluate(() => document.querySelectorAll('video').length);
  } finally {
    await context.close();
  }
}

export async function benchReviewGrid(): Promise<Row[]> {
  if (!existsSync(join(ROOT, 'out', 'renderer', 'index.html')))
    execFileSync(join(ROOT, 'node_modules/.bin/electron-vite'), ['build'], { cwd: ROOT, stdio: 'ignore' });
  const made = performance.now();
  const big = await finishedBatch(BIG);
  const small = await finishedBatch(SMALL);
  console.log(
    `batches of ${BIG} and ${SMALL} finished in ${((performance.now() - made) / 1000).toFixed(0)} s`,
  );
  const browser = await launchBrowser();
  try {
    // One opening each first: Chromium's own start and the page's caches, paid by neither.
    await open(browser, small.session, small.batchId, 'navigation');
    await open(browser, big.session, big.batchId, 'navigation');
    type Key = 'big-tab' | 'small-tab' | 'big-navigation' | 'small-navigation';
    const runs: Record<Key, Opening[]> = {
      'big-tab': [],
      'small-tab': [],
      'big-navigation': [],
      'small-navigation': [],
    };
    // Interleaved, so a burst of load on the shared machine hits both sizes alike.
    for (let i = 0; i < RUNS; i++)
      for (const from of ['tab', 'navigation'] as const) {
        runs[`small-${from}`].push(await open(browser, small.session, small.batchId, from));
        runs[`big-${from}`].push(await open(browser, big.session, big.batchId, from));
      }
    const atEnd = await videosAtEnd(browser, big.session, big.batchId);
    const atTop = Math.max(
      ...runs['big-tab'].map((r) => r.videos),
      ...runs['big-navigation'].map((r) => r.videos),
    );
    console.log(JSON.stringify({ runs, atEnd }));
    if (atTop > MAX_VIDEOS || atEnd > MAX_VIDEOS)
      throw new Error(
        `the grid of ${BIG} mounted ${atTop} / ${atEnd} <video> elements; at most ${MAX_VIDEOS}`,
      );
    const median = (key: Key, field: 'first' | 'screen') =>
      percentile(
        runs[key].map((r) => r[field]),
        0.5,
      );
    const ms = (value: number) => `${value.toFixed(0)} ms`;
    const row = (from: 'tab' | 'navigation', what: string): Row => ({
      bench: '10 review grid',
      name: `${what}: first poster / every poster on screen (${atTop} <video>), median of ${RUNS}`,
      figure: `${ms(median(`big-${from}`, 'first'))} / ${ms(median(`big-${from}`, 'screen'))}`,
      baseline: `${SMALL}-video batch: ${ms(median(`small-${from}`, 'first'))} / ${ms(median(`small-${from}`, 'screen'))}`,
      ratio: `${ratio(median(`big-${from}`, 'first'), median(`small-${from}`, 'first'))} / ${ratio(median(`big-${from}`, 'screen'), median(`small-${from}`, 'screen'))}`,
    });
    return [
      row('tab', `finished ${BIG.toLocaleString('en')}-video batch, "Review videos" clicked in the open app`),
      row('navigation', `the same grid loaded with the app (from navigation: app start included)`),
      {
        bench: '10 review grid',
        name: `<video> elements in the DOM, ${BIG.toLocaleString('en')}-video grid: at the top / scrolled to the end`,
        figure: `${atTop} / ${atEnd}`,
        baseline: `${BIG.toLocaleString('en')} videos`,
        ratio: ratio(Math.max(atTop, atEnd), BIG, 3),
      },
    ];
  } finally {
    await browser.close();
    await big.session.close();
    await small.session.close();
  }
}
