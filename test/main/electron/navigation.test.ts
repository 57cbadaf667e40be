import { describe, expect, it } from 'vitest';
import {
  decideNavigation,
  decideWindowOpen,
  externalUrlToOpen,
  isAppUrl,
} from '../../../main/electron/navigation';
import { APP_INDEX_URL } from '../../../main/electron/app-protocol';

const built = { indexUrl: APP_INDEX_URL };
const dev = { devServerUrl: 'http://localhost:5173/' };

describe('navigation policy', () => {
  it('allows the app itself', () => {
    expect(decideNavigation(built.indexUrl, built)).toBe('allow');
    expect(decideNavigation(`${built.indexUrl}#/batches/3`, built)).toBe('allow');
    expect(decideNavigation('http://localhost:5173/', dev)).toBe('allow');
    expect(decideNavigation('http://localhost:5173/src/app.tsx?t=1', dev)).toBe('allow');
  });

  const hostile = [
    'javascript:alert(1)',
    'JAVASCRIPT:alert(1)',
    ' javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
    'blob:file:///0b2a-4e',
    'file:///etc/passwd',
    'file:///opt/Stillmotion/resources/app.asar/out/renderer/other.html',
    'file:///opt/Stillmotion/resources/app.asar/out/renderer/index.html/../../../../etc/passwd',
    // The built page is never a file: page, even the renderer's own index.html.
    'file:///opt/Stillmotion/resources/app.asar/out/renderer/index.html',
    'stillmotion-app://app/other.html',
    'stillmotion-app://evil/index.html',
    'stillmotion-app://user@app/index.html',
    // Malformed %-escapes: decoding threw before preventDefault, and the navigation went ahead.
    'stillmotion-app://app/%E0%A4%A',
    'stillmotion-app://app/index.html%',
    'file://evil.example/opt/Stillmotion/resources/app.asar/out/renderer/index.html',
    'file:///C:/Windows/System32/calc.exe',
    'http://example.com/',
    'https://example.com/',
    'http://localhost:5173/',
    'https://model-api.runcomfy.net/',
    'https://runcomfy.net.evil.example/',
    'https://runcomfy.net@evil.example/',
    'https://evil.example/?https://runcomfy.net',
    'https://xn--rncomfy-5ya.net/',
    'https://ruпcomfy.net/',
    'chrome://settings',
    'chrome-extension://abcdef/index.html',
    'devtools://devtools/bundled/inspector.html',
    'about:blank',
    'about:srcdoc',
    'view-source:file:///etc/passwd',
    'stillmotion-media://media/item/1/video',
    'ws://127.0.0.1:1234/',
    'ftp://example.com/',
    'smb://server/share',
    'ms-msdt:/id PCWDiagnostic',
    'vbscript:msgbox(1)',
    'mailto:someone@example.com',
    'file:\\\\evil\\share\\index.html',
    '',
    'not a url',
  ];

  it.each(hostile)('denies %j in the built app', (url) => {
    expect(decideNavigation(url, built)).toBe('deny');
    expect(decideWindowOpen(url).action).toBe('deny');
  });

  const devHostile = [
    'http://localhost:5174/',
    'https://localhost:5173/',
    'http://localhost:5173.evil.example/',
    'http://localhost:5173@evil.example/',
    'http://user:pass@localhost:5173/',
    'http://127.0.0.1:5173/',
    'http://[::1]:5173/',
    'http://evil.example/#http://localhost:5173/',
  ];

  it.each(devHostile)('denies %j under the dev server', (url) => {
    expect(isAppUrl(url, dev)).toBe(false);
  });

  it('fails closed on a malformed escape, whatever the app location', () => {
    const fileApp = { indexUrl: 'file:///opt/app/out/renderer/index.html' };
    expect(decideNavigation('file:///opt/app/out/renderer/%E0%A4%A', fileApp)).toBe('deny');
    expect(decideNavigation('file:///opt/app/out/renderer/index.html', fileApp)).toBe('deny');
    expect(decideNavigation('stillmotion-app://app/%', built)).toBe('deny');
  });

  it('holds at least 25 hostile URLs', () => {
    expect(hostile.length + devHostile.length).toBeGreaterThanOrEqual(25);
  });
});

describe('external links', () => {
  it('opens https RunComfy pages in the OS browser', () => {
    expect(externalUrlToOpen('https://www.runcomfy.com/profile')).toBe('https://www.runcomfy.com/profile');
    expect(externalUrlToOpen('https://runcomfy.net/docs')).toBe('https://runcomfy.net/docs');
    expect(decideWindowOpen('https://www.runcomfy.com/pricing')).toEqual({
      action: 'deny',
      openExternal: 'https://www.runcomfy.com/pricing',
    });
  });

  it.each([
    'http://www.runcomfy.com/',
    'https://runcomfy.com.evil.example/',
    'https://evilruncomfy.com/',
    'https://user@www.runcomfy.com/',
    'https://www.runcomfy.com:8443/',
    'https://example.com/',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'https://xn--rncomfy-5ya.com/',
    'https://www.runcomfy.com/\nhttps://evil.example',
  ])('refuses %j', (url) => {
    expect(externalUrlToOpen(url)).toBeNull();
  });
});
