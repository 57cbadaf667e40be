// Builds the renderer's `window.api` from the contract, over any transport: the preload
// passes ipcRenderer-backed functions, the browser test harness passes HTTP/WebSocket ones.
// Channel `command:batch.start` becomes `api.batch.start(request)`, `query:items.page`
// becomes `api.items.page(request)`, and `event:items.changed` becomes
// `api.onItemsChanged(listener)`, which returns its unsubscribe function.
// Pure (no electron import): the same code runs in the sandboxed preload and in a plain page.
import {
  eventChannels,
  invokeChannels,
  type Envelope,
  type ErrorCode,
  type ErrorDetailDto,
  type EventChannel,
  type InvokeChannel,
  type PayloadOf,
  type RequestOf,
  type ResponseOf,
} from '@common/contract';

export interface Transport {
  invoke(channel: InvokeChannel, request: unknown): Promise<Envelope<unknown>>;
  subscribe(channel: EventChannel, listener: (payload: unknown) => void): () => void;
  /** Absolute path of a dropped File (Electron: webUtils.getPathForFile). */
  pathForFile(file: File): string;
}

/**
 * What a failed call throws in the renderer: the handler's code and plain-words message, and
 * for errors the window words itself (in the user's language), their parameters.
 */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly detail?: ErrorDetailDto,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type Split<S extends string> = S extends `${string}:${infer Ns}.${infer Method}` ? [Ns, Method] : never;
type NamespaceOf<C extends InvokeChannel> = Split<C>[0];
type MethodsOf<Ns extends string> = {
  // `{}` on purpose: a request whose fields are all optional may be omitted.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  [C in InvokeChannel as NamespaceOf<C> extends Ns ? Split<C>[1] : never]: {} extends RequestOf<C>
    ? (request?: RequestOf<C>) => Promise<ResponseOf<C>>
    : (request: RequestOf<C>) => Promise<ResponseOf<C>>;
};
type InvokeApi = { [Ns in NamespaceOf<InvokeChannel>]: MethodsOf<Ns> };
type EventName<E extends EventChannel> = E extends `event:${infer Ns}.${infer Ev}`
  ? `on${Capitalize<Ns>}${Capitalize<Ev>}`
  : never;
type EventApi = {
  [E in EventChannel as EventName<E>]: (listener: (payload: PayloadOf<E>) => void) => () => void;
};

export type StillmotionApi = InvokeApi &
  EventApi & {
    files: { pathForFile(file: File): string };
  };

export function methodNameOf(channel: InvokeChannel): [namespace: string, method: string] {
  const match = /^(?:command|query):([A-Za-z]+)\.([A-Za-z]+)$/.exec(channel);
  if (!match) throw new Error(`Channel name ${channel} does not follow "kind:namespace.method"`);
  return [match[1]!, match[2]!];
}

export function eventMethodNameOf(channel: EventChannel): string {
  const match = /^event:([A-Za-z]+)\.([A-Za-z]+)$/.exec(channel);
  if (!match) throw new Error(`Event name ${channel} does not follow "event:namespace.name"`);
  const cap = (s: string) => s[0]!.toUpperCase() + s.slice(1);
  return `on${cap(match[1]!)}${cap(match[2]!)}`;
}

export function buildApi(transport: Transport): StillmotionApi {
  const api: Record<string, unknown> = {};
  for (const channel of Object.keys(invokeChannels) as InvokeChannel[]) {
    const [ns, method] = methodNameOf(channel);
    const target = (api[ns] ??= {}) as Record<string, unknown>;
    if (method in target) throw new Error(`Two channels map to api.${ns}.${method}`);
    target[method] = async (request: unknown = {}) => {
      const envelope = await transport.invoke(channel, request);
      if (envelope.ok) return envelope.value;
      throw new ApiError(envelope.error.code, envelope.error.message, envelope.error.detail);
    };
  }
  for (const channel of Object.keys(eventChannels) as EventChannel[]) {
    api[eventMethodNameOf(channel)] = (listener: (payload: unknown) => void) => {
      if (typeof listener !== 'function') throw new TypeError('listener must be a function');
      return transport.subscribe(channel, listener);
    };
  }
  api.files = { pathForFile: (file: File) => transport.pathForFile(file) };
  return api as StillmotionApi;
}
