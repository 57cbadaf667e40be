// Which Chromium the browser tests launch, and what they say when it is not there.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chromiumPath, missingChromiumMessage } from './launch-browser';

describe('launch-browser', () => {
  it('takes STILLMOTION_CHROMIUM when set, else /usr/bin/chromium', () => {
    expect(chromiumPath({})).toBe('/usr/bin/chromium');
    expect(chromiumPath({ STILLMOTION_CHROMIUM: '  ' })).toBe('/usr/bin/chromium');
    expect(chromiumPath({ STILLMOTION_CHROMIUM: '/opt/chrome/chrome' })).toBe('/opt/chrome/chrome');
  });

  it('names the missing path, where it came from and what to do', () => {
    const nowhere = join(__dirname, 'no-such-browser');
    const chosen = missingChromiumMessage(nowhere, { STILLMOTION_CHROMIUM: nowhere });
    expect(chosen).toContain(`STILLMOTION_CHROMIUM=${nowhere}`);
    expect(chosen).toMatch(/Set STILLMOTION_CHROMIUM to a Chromium or Chrome executable/);
    expect(missingChromiumMessage(nowhere, {})).toContain(`the default ${nowhere}`);
    expect(missingChromiumMessage(process.execPath, {})).toBeNull();
  });
});
