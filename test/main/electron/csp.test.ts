import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCsp, MEDIA_SCHEME, parseCsp } from '../../../main/electron/csp';

const root = join(__dirname, '..', '..', '..');

describe('Content-Security-Policy', () => {
  const csp = parseCsp(buildCsp());

  it('denies by default and allows only the app bundle to run', () => {
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(csp.get('form-action')).toEqual(["'none'"]);
    expect(csp.get('frame-src')).toEqual(["'none'"]);
    expect(csp.get('worker-src')).toEqual(["'none'"]);
    expect(csp.get('manifest-src')).toEqual(["'none'"]);
  });

  it('never allows eval, remote hosts or file: anywhere', () => {
    for (const [directive, sources] of csp) {
      for (const source of sources) {
        expect(source, directive).not.toMatch(/unsafe-eval|wasm-unsafe-eval|\*|^https?:|^file:|^ws/);
      }
      if (directive !== 'style-src') expect(sources, directive).not.toContain("'unsafe-inline'");
    }
  });

  it('lets images and videos come from the media protocol and the app only', () => {
    expect(csp.get('img-src')).toEqual(["'self'", 'data:', 'blob:', `${MEDIA_SCHEME}:`]);
    expect(csp.get('media-src')).toEqual(["'self'", 'blob:', `${MEDIA_SCHEME}:`]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    expect(csp.get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
    expect(csp.get('font-src')).toEqual(["'self'", 'data:']);
  });

  it('adds frame-ancestors only to the header form (a meta policy ignores it)', () => {
    expect(csp.has('frame-ancestors')).toBe(false);
    expect(parseCsp(buildCsp({ header: true })).get('frame-ancestors')).toEqual(["'none'"]);
  });

  it('relaxes only script-src and connect-src for the dev server', () => {
    const dev = parseCsp(buildCsp({ devServerOrigin: 'http://localhost:5173' }));
    expect(dev.get('script-src')).toEqual(["'self'", "'unsafe-inline'"]);
    expect(dev.get('connect-src')).toEqual(["'self'", 'http://localhost:5173', 'ws://localhost:5173']);
    for (const name of ['default-src', 'img-src', 'media-src', 'object-src'])
      expect(dev.get(name)).toEqual(csp.get(name));
  });

  it('is the policy of the meta tag in renderer/index.html', () => {
    const html = readFileSync(join(root, 'renderer', 'index.html'), 'utf8');
    const match = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html);
    expect(match, 'renderer/index.html has no CSP meta tag').not.toBeNull();
    expect(match![1]).toBe(buildCsp());
    // The policy must come before any script so it applies to all of them.
    expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<script'));
  });
});
