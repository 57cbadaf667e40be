// Shared setup for the renderer's end-to-end tests: real small images written with sharp, the
// browser harness (real engine, intake and simulator behind the same handler map as Electron),
// a system Chromium through playwright-core (STILLMOTION_CHROMIUM, default /usr/bin/chromium:
// see ../harness/launch-browser.ts), and screenshots under test-results/screenshots/.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import type { BatchSettings } from '../../main/core/domain';
import { launchBrowser } from '../harness/launch-browser';
import { batchSettings } from '../main/core/app/helpers';
import { startHarness, type Harness, type HarnessOptions } from '../harness/server';

// Callbacks passed to page.evaluate run in the page; the node project has no DOM lib, so
// these declare just what they touch (module-local, not global).
interface PageNode {
  disabled?: boolean;
  complete?: boolean;
  naturalWidth?: number;
  textContent: string | null;
  scrollTo?(x: number, y: number): void;
}
declare const document: {
  querySelector(selector: string): PageNode | null;
  querySelectorAll(selector: string): ArrayLike<PageNode> & Iterable<PageNode>;
  body: PageNode;
};

export const SCREENSHOT_DIR = resolve(__dirname, '..', '..', 'test-results', 'screenshots');

/** Writes `count` distinct images (>= 300 px on the short side) plus optional extras. */
export async function writeImages(
  dir: string,
  count: number,
  options: { prefix?: string; unreadable?: boolean } = {},
): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const names: string[] = [];
  for (let i = 1; i <= count; i++) {
    const name = `${options.prefix ?? 'shot'}-${i}.${i % 2 ? 'jpg' : 'png'}`;
    const image = sharp({
      create: {
        width: 480,
        height: 360,
        channels: 3,
        background: { r: (i * 53) % 256, g: (i * 97) % 256, b: (i * 151) % 256 },
      },
    });
    await (i % 2 ? image.jpeg({ quality: 80 }) : image.png()).toFile(join(dir, name));
    names.push(name);
  }
  if (options.unreadable) {
    // A file named like an image that is none: the scan cannot use it and says why. (An image
    // too small for the model is no longer one: it is upscaled, or refused by the plan.)
    writeFileSync(join(dir, 'broken.jpg'), 'not a picture, only its name says so');
  }
  return names;
}

export interface Session {
  harness: Harness;
  rootDir: string;
  inputDir: string;
  outputDir: string;
  close(): Promise<void>;
}

export async function startSession(
  name: string,
  options: Omit<HarnessOptions, 'rootDir'> = {},
): Promise<Session> {
  const rootDir = mkdtempSync(join(tmpdir(), `sm-renderer-${name}-`));
  const inputDir = join(rootDir, 'photos');
  const outputDir = join(rootDir, 'videos');
  mkdirSync(inputDir, { recursive: true });
  mkdirSync(outputDir, { recursive: true });
  const harness = await startHarness({
    rootDir,
    pickInputs: [inputDir],
    pickOutputDir: outputDir,
    settings: { notifications: false },
    ...options,
  });
  return {
    harness,
    rootDir,
    inputDir,
    outputDir,
    async close() {
      await harness.close();
      rmSync(rootDir, { recursive: true, force: true });
    },
  };
}

let browserPromise: Promise<Browser> | null = null;
export function browser(): Promise<Browser> {
  browserPromise ??= launchBrowser();
  return browserPromise;
}
export async function closeBrowser(): Promise<void> {
  if (browserPromise) await (await browserPromise).close();
  browserPromise = null;
}

/** A page on the harness; page errors fail loudly through `errors`. */
export async function openApp(
  session: Session,
  hash = '#/new',
  options: { colorScheme?: 'light' | 'dark' } = {},
): Promise<{ page: Page; errors: string[] }> {
  const context = await (
    await browser()
  ).newContext({ viewport: { width: 1280, height: 860 }, colorScheme: options.colorScheme ?? 'light' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  // Fail at the step that is stuck, well before the test's own timeout.
  page.setDefaultTimeout(10_000);
  await page.goto(`${session.harness.url}/${hash}`);
  return { page, errors };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  // The app scrolls inside <main>; show each screen from its top.
  await page.evaluate(() => document.querySelector('main.screen')?.scrollTo?.(0, 0));
  await page.screenshot({ path });
  return path;
}

/** A screenshot scrolled to the first element matching `selector` (the page, not the element alone). */
export async function screenshotAt(page: Page, selector: string, name: string): Promise<void> {
  await page
    .locator(selector)
    .first()
    .evaluate((el) =>
      (el as unknown as { scrollIntoView(o: object): void }).scrollIntoView({ block: 'start' }),
    );
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
}

/**
 * Unfolds parts of the batch form (Model, Video, Output, Spending; all when none is named), as a
 * user clicks their headings; a part already open stays open.
 */
export async function openSections(page: Page, ...names: string[]): Promise<void> {
  const toggles = page.locator('[data-testid=batch-form] .form-section-toggle');
  await toggles.first().waitFor();
  for (const toggle of await toggles.all()) {
    const title = (await toggle.locator('.form-section-title').innerText()).trim();
    if (names.length > 0 && !names.includes(title)) continue;
    if ((await toggle.getAttribute('aria-expanded')) === 'false') await toggle.click();
  }
}

/** From the setup screen back to the drop zone, as a user does it: Start over, then confirm. */
export async function startOver(page: Page): Promise<void> {
  await page.getByTestId('start-bar').getByRole('button', { name: 'Start over' }).click();
  await page.getByTestId('confirm-dialog').getByRole('button', { name: 'Start over' }).click();
  await page.getByTestId('drop-zone').waitFor();
}

/**
 * Drops files on `selector` (the window by default) as a person does: dragenter, dragover, drop
 * with a DataTransfer. The harness reads a dropped File's path from its name, so each File is
 * named by its path.
 */
export async function dropPaths(page: Page, paths: string[], selector = 'body'): Promise<void> {
  await page.locator(selector).evaluate((target, names) => {
    const transfer = new DataTransfer();
    for (const name of names) transfer.items.add(new File(['x'], name));
    for (const type of ['dragenter', 'dragover', 'drop'])
      target.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, paths);
}

/** A figure of the scan summary ("Found", "Ready"...), as the page shows it. */
export async function summaryStat(page: Page, label: string): Promise<string> {
  const figure = page
    .getByTestId('scan-summary')
    .locator('dl > div')
    .filter({ has: page.getByText(label, { exact: true }) })
    .locator('dd');
  return (await figure.innerText()).trim();
}

// The callback above runs in the page; the node project has no DOM lib.
declare class DataTransfer {
  items: { add(file: unknown): void };
}
declare class File {
  constructor(parts: string[], name: string);
}
declare class DragEvent {
  constructor(type: string, init: { dataTransfer: DataTransfer; bubbles: boolean; cancelable: boolean });
}

/** The row of the item whose file name contains `name`. */
export function row(page: Page, name: string) {
  return page.locator('[data-testid=item-row]', { hasText: name });
}

/** A test file's one session and its page: what `openSession` gives and `closeSession` ends. */
export interface OpenSession {
  session: Session;
  page: Page;
  errors: string[];
}

/**
 * Starts a session, lets `prepare` put images or batches in place, and opens the page at the
 * hash `prepare` returns (default `#/new`). Each e2e file calls it from `beforeAll`.
 */
export async function openSession(
  name: string,
  options: Omit<HarnessOptions, 'rootDir'> = {},
  prepare?: (session: Session) => Promise<string | void>,
): Promise<OpenSession> {
  const session = await startSession(name, options);
  const hash = (await prepare?.(session)) ?? undefined;
  return { session, ...(await openApp(session, hash)) };
}

/** `afterAll`'s half of `openSession`: the page, the browser, then the session's folders. */
export async function closeSession(open: Partial<OpenSession>): Promise<void> {
  console.log(`Screenshots: ${SCREENSHOT_DIR}`);
  await open.page?.context().close();
  await closeBrowser();
  await open.session?.close();
}

/** Calls a main-process handler as the preload would and unwraps its envelope. */
export async function invoke<T>(session: Session, channel: string, payload: unknown): Promise<T> {
  const handler = (session.harness.handlers as Record<string, (p: unknown) => Promise<unknown>>)[channel]!;
  const envelope = (await handler(payload)) as { ok: boolean; value?: T; error?: { message: string } };
  if (!envelope.ok) throw new Error(`${channel}: ${envelope.error?.message}`);
  return envelope.value as T;
}

/**
 * Makes a finished batch of the session's input folder through the real engine: scan, create
 * with `overrides` on the default settings, start, and wait until the engine is idle.
 */
export async function runBatch(
  session: Session,
  overrides: Partial<BatchSettings> = {},
  idleMs = 60_000,
): Promise<number> {
  const { scanId } = await invoke<{ scanId: string }>(session, 'command:scan.start', {
    paths: [session.inputDir],
  });
  await session.harness.core.scans.whenFinished(scanId);
  const { batchId } = await invoke<{ batchId: number }>(session, 'command:batch.create', {
    scanId,
    settings: batchSettings(session.outputDir, overrides),
  });
  await invoke(session, 'command:batch.start', { batchId });
  await session.harness.engine.idle(idleMs);
  return batchId;
}
