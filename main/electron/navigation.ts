// Where the window may go. Pure, so the policy is tested with a table of hostile URLs:
//  - the window shows the app and nothing else: a navigation to any other URL is denied;
//  - window.open is always denied; an https link to RunComfy (get a key, top up) is handed
//    to the OS browser instead. Other hosts are refused: the app has no reason to open them,
//    and a compromised page could otherwise launch arbitrary URLs or lookalike domains.

export interface AppLocation {
  /** The built window's page, stillmotion-app://app/index.html (app-protocol.ts). */
  indexUrl?: string;
  /** http://localhost:5173/ under `electron-vite dev`. */
  devServerUrl?: string;
}

function parse(url: string): URL | null {
  if (typeof url !== 'string' || url.length > 8192 || /[\0\r\n\t]/.test(url)) return null;
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** A path with its %-escapes decoded, or null when one is malformed (never a throw: fail closed). */
function decodedPath(url: URL): string | null {
  try {
    return decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
}

/**
 * True when `url` is the app itself: the exact index page of the app's own scheme, or the dev
 * server's origin. Never a file: URL (a file page's origin is the whole disk).
 */
export function isAppUrl(url: string, app: AppLocation): boolean {
  const target = parse(url);
  if (!target || target.username || target.password) return false;
  if (app.indexUrl) {
    const index = parse(app.indexUrl);
    const path = decodedPath(target);
    if (
      index &&
      path !== null &&
      target.protocol !== 'file:' &&
      target.protocol === index.protocol &&
      target.host === index.host &&
      path === decodedPath(index)
    )
      return true;
  }
  if (app.devServerUrl) {
    const dev = parse(app.devServerUrl);
    if (dev && (dev.protocol === 'http:' || dev.protocol === 'https:') && target.origin === dev.origin)
      return true;
  }
  return false;
}

/** Never throws: an error on the way (a URL no check foresaw) denies, before preventDefault. */
export function decideNavigation(url: string, app: AppLocation): 'allow' | 'deny' {
  try {
    return isAppUrl(url, app) ? 'allow' : 'deny';
  } catch {
    return 'deny';
  }
}

const EXTERNAL_HOSTS = ['runcomfy.com', 'runcomfy.net'];

/** The https URL to hand to shell.openExternal, or null when it must not be opened. */
export function externalUrlToOpen(url: string): string | null {
  const target = parse(url);
  if (!target || target.protocol !== 'https:') return null;
  if (target.username || target.password || target.port) return null;
  const host = target.hostname.toLowerCase();
  if (!EXTERNAL_HOSTS.some((allowed) => host === allowed || host.endsWith(`.${allowed}`))) return null;
  return target.href;
}

/** window.open / target=_blank: never a new Electron window; maybe the OS browser. */
export function decideWindowOpen(url: string): { action: 'deny'; openExternal: string | null } {
  return { action: 'deny', openExternal: externalUrlToOpen(url) };
}
