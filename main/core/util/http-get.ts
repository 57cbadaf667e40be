// A streaming GET over node:http(s), following redirects and failing as fetch does, for what
// fetch makes slow: a video download (its web streams cost about a third of the speed) and the
// API's status and result polls (about four times the CPU per request). An injected fetch
// (tests, a proxy) is seen through the same small interface.
import * as http from 'node:http';
import * as https from 'node:https';

export interface GetResponse {
  status: number;
  /** A response header, null when absent. */
  header(name: string): string | null;
  body: AsyncIterable<Uint8Array>;
  /** Drops the body unread. */
  cancel(): Promise<void>;
}

export type HttpGet = (
  url: string,
  init: { headers: Record<string, string>; signal: AbortSignal },
) => Promise<GetResponse>;

/** The same GET through a fetch function (an injected one, or the global when asked for). */
export function getWithFetch(fetchImpl: typeof fetch): HttpGet {
  return async (url, init) => {
    const response = await fetchImpl(url, init);
    return {
      status: response.status,
      header: (name) => response.headers.get(name),
      body: (response.body ?? []) as unknown as AsyncIterable<Uint8Array>,
      cancel: async () => {
        await response.body?.cancel().catch(() => {});
      },
    };
  };
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** fetch's limit. */
const MAX_REDIRECTS = 20;

/** A whole (small) body as UTF-8 text, like fetch's text(). */
export async function readText(body: AsyncIterable<Uint8Array>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  return Buffer.concat(chunks).toString('utf8');
}

/** node:http(s); fails like fetch (a TypeError with the cause) when no answer comes. */
export const nodeGet: HttpGet = (url, init) => get(url, init, 0);

function get(
  url: string,
  init: { headers: Record<string, string>; signal: AbortSignal },
  redirects: number,
): Promise<GetResponse> {
  return new Promise((resolve, reject) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch (error) {
      reject(new TypeError(`not a URL: ${url}`, { cause: error }));
      return;
    }
    const lib = target.protocol === 'https:' ? https : target.protocol === 'http:' ? http : null;
    if (!lib) {
      reject(new TypeError(`cannot download over ${target.protocol}`));
      return;
    }
    const request = lib.get(target, { headers: init.headers, signal: init.signal }, (response) => {
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (REDIRECTS.has(status) && location) {
        response.resume();
        const next = new URL(location, target);
        // Like fetch: credentials never follow a redirect to another origin.
        const headers =
          next.origin === target.origin
            ? init.headers
            : Object.fromEntries(
                Object.entries(init.headers).filter(([name]) => !/^(authorization|cookie)$/i.test(name)),
              );
        if (redirects >= MAX_REDIRECTS) reject(new TypeError(`more than ${MAX_REDIRECTS} redirects`));
        else resolve(get(next.href, { ...init, headers }, redirects + 1));
        return;
      }
      resolve({
        status,
        header: (name) => {
          const value = response.headers[name.toLowerCase()];
          return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
        },
        body: response,
        cancel: async () => {
          response.destroy();
        },
      });
    });
    // Before an answer: no answer at all (like fetch's "fetch failed"), or the signal's reason
    // when it was aborted (a TimeoutError for AbortSignal.timeout, as fetch rejects). After it,
    // the body's reader sees the error; this listener only keeps it from being unhandled.
    request.on('error', (error) =>
      reject(init.signal.aborted ? init.signal.reason : new TypeError('fetch failed', { cause: error })),
    );
  });
}

/** A small answer read whole (the API's JSON), from fetch or from node:http alike. */
export interface Answer {
  status: number;
  ok: boolean;
  header(name: string): string | null;
  text(): Promise<string>;
}

export const answerOfFetch = (response: Response): Answer => ({
  status: response.status,
  ok: response.ok,
  header: (name) => response.headers.get(name),
  text: () => response.text(),
});

export const answerOfGet = (response: GetResponse): Answer => ({
  status: response.status,
  ok: response.status >= 200 && response.status < 300,
  header: (name) => response.header(name),
  text: () => readText(response.body),
});
