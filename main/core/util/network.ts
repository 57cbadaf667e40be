// How the core reaches the network when no fetch is injected (the CLI, the tests, the
// benchmarks; the app injects Electron's net.fetch, which follows the system's proxy, PAC file
// and certificate store): undici, through the proxy the environment names as curl reads it
// (HTTPS_PROXY for https URLs, HTTP_PROXY for http ones, NO_PROXY for hosts to reach directly,
// lower-case names too), for the API and the video downloads alike. A GET goes through undici's
// request() and streams its body as Node buffers, as fast as node:http; a POST through undici's
// fetch, whose failures the money rules know. undici is loaded at the first request, so
// commands that send none (`status`, `report`) start without it.
import type * as UndiciModule from 'undici';
import type { Dispatcher } from 'undici';
import { getWithFetch, type GetResponse, type HttpGet } from './http-get';

/** Where the core's requests go: fetch for every method, `get` for a streaming GET. */
export interface Network {
  fetch: typeof fetch;
  get: HttpGet;
}

type Undici = typeof UndiciModule;

let undici: Promise<Undici> | null = null;
/**
 * undici is CommonJS: its exports are the import's `default` wherever it is loaded from (the CLI
 * bundle's chunk offers nothing else), and the namespace itself where there is none.
 */
const loadUndici = () =>
  (undici ??= import('undici').then(
    (loaded) => (loaded as unknown as { default?: Undici }).default ?? loaded,
  ));

/** fetch's limit. */
const MAX_REDIRECTS = 20;

/** A network over one undici dispatcher (its connections are shared by the GETs and the POSTs). */
function networkOver(makeDispatcher: (u: Undici) => Dispatcher): Network {
  let made: { dispatcher: Dispatcher; following: Dispatcher } | null = null;
  const dispatchers = async () => {
    const u = await loadUndici();
    if (!made) {
      const dispatcher = makeDispatcher(u);
      // Like fetch, a GET follows redirects, and the redirect handler drops Authorization and
      // Cookie on the way to another origin. Past the limit the last redirect itself is the
      // answer, which a download takes for an unexpected status.
      const following = dispatcher.compose(u.interceptors.redirect({ maxRedirections: MAX_REDIRECTS }));
      made = { dispatcher, following };
    }
    return { u, ...made };
  };
  return {
    fetch: (async (input: string | URL | Request, init?: RequestInit) => {
      const { u, dispatcher } = await dispatchers();
      return u.fetch(input as string, { ...(init as object), dispatcher });
    }) as typeof fetch,
    get: async (url, init) => {
      const { u, following } = await dispatchers();
      let target: URL;
      try {
        target = new URL(url);
      } catch (error) {
        throw new TypeError(`not a URL: ${url}`, { cause: error });
      }
      if (target.protocol !== 'https:' && target.protocol !== 'http:')
        throw new TypeError(`cannot download over ${target.protocol}`);
      let answer: Dispatcher.ResponseData;
      try {
        answer = await u.request(target, {
          dispatcher: following,
          method: 'GET',
          headers: init.headers,
          signal: init.signal,
        });
      } catch (error) {
        // No answer at all fails like fetch ("fetch failed" with the cause), or with the
        // signal's reason when it was aborted (a TimeoutError for AbortSignal.timeout).
        throw init.signal.aborted ? init.signal.reason : new TypeError('fetch failed', { cause: error });
      }
      return getResponseOf(answer);
    },
  };
}

function getResponseOf(answer: Dispatcher.ResponseData): GetResponse {
  return {
    status: answer.statusCode,
    header: (name) => {
      const value = answer.headers[name.toLowerCase()];
      return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
    },
    body: answer.body,
    cancel: async () => {
      // A body destroyed unread emits an AbortError; nobody reads it any more.
      answer.body.on('error', () => {}).destroy();
    },
  };
}

let fromEnvironment: Network | null = null;

/**
 * The network through the proxy the environment names (read at the first request): one per
 * process, so every engine and client shares its connections.
 */
export function environmentNetwork(): Network {
  return (fromEnvironment ??= networkOver((u) => new u.EnvHttpProxyAgent()));
}

let direct: Network | null = null;

/** Straight to the server whatever the environment says: the simulator this process started. */
export function directNetwork(): Network {
  return (direct ??= networkOver((u) => new u.Agent()));
}

/** The GET that downloads videos: through the injected fetch when one is given, else the network's. */
export function downloadGetOf(options: { fetch?: typeof fetch; network?: Network }): HttpGet {
  return options.fetch ? getWithFetch(options.fetch) : (options.network ?? environmentNetwork()).get;
}
