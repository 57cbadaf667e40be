// The renderer's Content-Security-Policy, in one pure module: the meta tag in
// renderer/index.html must equal `buildCsp()` (a test checks), and main also sends it as a
// response header (main/electron/index.ts), which adds what a meta tag cannot carry.
// Why each directive:
//  - script-src 'self': only the bundled app code runs; no inline script, no eval.
//  - style-src adds 'unsafe-inline': React, Vite and virtualized lists set inline styles, and
//    a style cannot run code; what CSS could leak is blocked by img-src/connect-src below.
//  - img-src/media-src: the app's own files, data:/blob: previews, and local media only
//    through the `stillmotion-media:` protocol (see media.ts), never file:.
//  - connect-src 'self': the renderer talks to main over IPC, not the network (in the
//    browser harness 'self' is the harness's own HTTP and WebSocket endpoints).
//  - everything else 'none'.
// This file must stay free of `electron` imports: electron.vite.config.ts and tests load it.
export const MEDIA_SCHEME = 'stillmotion-media';
/** The host part of media URLs: `stillmotion-media://media/item/1/thumb` (standard schemes need one). */
export const MEDIA_HOST = 'media';

export interface CspOptions {
  /** Response header form: adds directives a <meta> policy ignores (frame-ancestors). */
  header?: boolean;
  /**
   * `electron-vite dev`: Vite's React refresh injects an inline module script and its HMR
   * client connects over WebSocket to the dev server. Never used in a build.
   */
  devServerOrigin?: string;
}

export function cspDirectives(options: CspOptions = {}): [string, string[]][] {
  const dev = options.devServerOrigin;
  const devWs = dev ? dev.replace(/^http/, 'ws') : null;
  const directives: [string, string[]][] = [
    ['default-src', ["'none'"]],
    ['script-src', dev ? ["'self'", "'unsafe-inline'"] : ["'self'"]],
    ['style-src', ["'self'", "'unsafe-inline'"]],
    ['img-src', ["'self'", 'data:', 'blob:', `${MEDIA_SCHEME}:`]],
    ['media-src', ["'self'", 'blob:', `${MEDIA_SCHEME}:`]],
    ['font-src', ["'self'", 'data:']],
    ['connect-src', devWs ? ["'self'", dev!, devWs] : ["'self'"]],
    ['object-src', ["'none'"]],
    ['frame-src', ["'none'"]],
    ['worker-src', ["'none'"]],
    ['manifest-src', ["'none'"]],
    ['base-uri', ["'none'"]],
    ['form-action', ["'none'"]],
  ];
  if (options.header) directives.push(['frame-ancestors', ["'none'"]]);
  return directives;
}

export function buildCsp(options: CspOptions = {}): string {
  return cspDirectives(options)
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join('; ');
}

/** Parses a policy string into directive -> sources (for tests and the harness). */
export function parseCsp(policy: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) map.set(name.toLowerCase(), values);
  }
  return map;
}
