// Dropping folders and single images anywhere on the window starts a scan of exactly those
// paths. In Electron the path of a dropped File comes from webUtils.getPathForFile; the
// browser harness's transport reads it from the File's name, so the test names its Files by
// absolute path and dispatches a real drop event with a DataTransfer.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSession, dropPaths, openSession, type Session, writeImages } from './helpers';

let session: Session;
let page: Page;

beforeAll(async () => {
  ({ session, page } = await openSession('drop'));
});

afterAll(() => closeSession({ session, page }));

describe('drag and drop', () => {
  it(
    'scans a dropped folder and a dropped single image, and shows what it found',
    { timeout: 60_000 },
    async () => {
      const folder = join(session.rootDir, 'dropped-folder');
      await writeImages(folder, 3, { prefix: 'folder' });
      const loose = join(session.rootDir, 'loose');
      const [single] = await writeImages(loose, 2, { prefix: 'loose' });
      // The window listens for drops once the app has rendered.
      await page.getByRole('button', { name: 'Choose folders or images…' }).waitFor();
      const summary = page.getByTestId('scan-summary');
      // React attaches the window's drop listener just after its first paint; a drop that lands
      // before that is not seen by the app (nor would a person's be), so drop again if needed.
      for (let attempt = 0; attempt < 3; attempt++) {
        await dropPaths(page, [folder, join(loose, single!)]);
        if (
          await summary.waitFor({ timeout: 5_000 }).then(
            () => true,
            () => false,
          )
        )
          break;
      }
      await summary.waitFor();
      // 3 from the folder + the one image dropped on its own (not its sibling).
      const found = summary.locator('dl > div').filter({ has: page.getByText('Found', { exact: true }) });
      await expect.poll(async () => (await found.locator('dd').innerText()).trim()).toBe('4');
      const text = await summary.innerText();
      expect(text).toContain('dropped-folder');
      await page.getByTestId('preview').getByText('folder-1.jpg').first().waitFor();
      expect(await page.getByTestId('preview').getByText('loose-2.png').count()).toBe(0);
    },
  );
});
