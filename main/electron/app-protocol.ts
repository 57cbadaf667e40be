// The `stillmotion-app:` protocol: the built window loads stillmotion-app://app/index.html, not a
// file:// URL. A file:// page has the whole disk as its origin and needs the
// grantFileProtocolExtraPrivileges fuse; this page's origin is its own, so that fuse is off
// (electron-builder.yml). Only files under out/renderer/ are served, by their path, with their
// type and the CSP header; a path outside it, a malformed %-escape, another host or an unknown
// file type is refused. Pure apart from reading the file (tested without Electron).
import { readFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import type { CustomScheme, Protocol } from 'electron';

export const APP_SCHEME = 'stillmotion-app';
export const APP_HOST = 'app';
/** What the built window loads, and the only page IPC answers (navigation.ts isAppUrl). */
export const APP_INDEX_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** Standard (relative URLs and 'self' work), secure (not mixed content), fetch for modules. */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
};

/** What the renderer's build holds; anything else is not served. */
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};

const refuse = (status: number) => new Response(null, { status });

/** One request for `url` -> the file under `rendererDir` it names, or a refusal. */
export async function appResponse(rendererDir: string, url: string, csp: string): Promise<Response> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return refuse(400);
  }
  if (target.protocol !== `${APP_SCHEME}:` || target.host !== APP_HOST || target.username || target.password)
    return refuse(404);
  let path: string;
  try {
    path = decodeURIComponent(target.pathname);
  } catch {
    return refuse(400);
  }
  const root = resolve(rendererDir);
  const file = resolve(root, `.${path.replace(/\\/g, '/')}`);
  if (path.includes('\0') || !file.startsWith(root + sep)) return refuse(404);
  const type = CONTENT_TYPES[extname(file).toLowerCase()];
  if (!type) return refuse(404);
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch {
    return refuse(404);
  }
  return new Response(new Uint8Array(body), {
    status: 200,
    headers: {
      'Content-Type': type,
      'Content-Security-Policy': csp,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-cache',
    },
  });
}

export function handleAppProtocol(
  protocol: Pick<Protocol, 'handle' | 'unhandle'>,
  rendererDir: string,
  csp: string,
): () => void {
  protocol.handle(APP_SCHEME, (request) => appResponse(rendererDir, request.url, csp));
  return () => protocol.unhandle(APP_SCHEME);
}
