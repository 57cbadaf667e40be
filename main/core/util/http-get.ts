// The streaming GET's small interface, for what fetch makes slow: a video download (its web
// streams cost about a third of the speed) and the API's status and result polls (about four
// times the CPU per request); it follows redirects and fails as fetch does. The default one is
// undici's request() (network.ts); an injected fetch (the app's net.fetch, tests) is seen
// through the same interface, and either answer read whole as the API's JSON.

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

/** A whole (small) body as UTF-8 text, like fetch's text(). */
export async function readText(body: AsyncIterable<Uint8Array>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  return Buffer.concat(chunks).toString('utf8');
}

/** A small answer read whole (the API's JSON), from fetch or from a streaming GET alike. */
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
