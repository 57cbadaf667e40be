// The `stillmotion-media:` protocol: how the sandboxed renderer shows local thumbnails and
// videos without file:// access. Registered as privileged before the app is ready (standard
// so URLs have a host and relative paths resolve; secure so it is not mixed content; stream
// and supportFetchAPI so <video> can seek with Range requests). Every request is answered by
// the shared media resolver (main/core/app/media.ts), which allows only files that belong to
// a known batch or scan.
import { Readable } from 'node:stream';
import type { CustomScheme, Protocol } from 'electron';
import { openMediaBody, type MediaResolver } from '../core/app/media';
import { MEDIA_HOST, MEDIA_SCHEME } from './csp';

export const MEDIA_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: MEDIA_SCHEME,
  privileges: { standard: true, secure: true, stream: true, supportFetchAPI: true },
};

/** `stillmotion-media://media` (what app.info's mediaBaseUrl says in Electron). */
export const MEDIA_BASE_URL = `${MEDIA_SCHEME}://${MEDIA_HOST}`;

/** One request -> one web Response (pure apart from reading the file; tested without Electron). */
export async function mediaResponse(resolver: MediaResolver, request: Request): Promise<Response> {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return new Response(null, { status: 400 });
  }
  if (url.protocol !== `${MEDIA_SCHEME}:` || url.host !== MEDIA_HOST || url.username || url.password)
    return new Response(null, { status: 404 });
  const answer = await resolver.resolve({
    path: url.pathname.replace(/^\//, ''),
    method: request.method,
    range: request.headers.get('range'),
  });
  const stream = openMediaBody(answer.body);
  const body = stream ? (Readable.toWeb(stream) as unknown as ReadableStream<Uint8Array>) : null;
  return new Response(body, { status: answer.status, headers: answer.headers });
}

export function handleMediaProtocol(
  protocol: Pick<Protocol, 'handle' | 'unhandle'>,
  resolver: MediaResolver,
): () => void {
  protocol.handle(MEDIA_SCHEME, (request) => mediaResponse(resolver, request));
  return () => protocol.unhandle(MEDIA_SCHEME);
}
