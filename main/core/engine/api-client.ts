// The RunComfy client the engine sends with: the options' fetch or network and timeouts, a count
// of every request by endpoint (requestCounts), and the crash points around a submit.
import { RunComfyClient, type Endpoint } from '../api/client';
import type { Clock } from '../util/clock';
import { crashPoint } from './crash-points';
import type { EngineOptions } from './options';

export function apiClient(
  options: EngineOptions,
  clock: Clock,
  baseUrl: string,
  apiKey: string | null,
  onRequest: (endpoint: Endpoint) => void,
): RunComfyClient {
  return new RunComfyClient({
    baseUrl,
    apiKey,
    fetch: options.fetch,
    network: options.network,
    clock,
    timeoutMs: options.requestTimeoutMs,
    submitTimeoutMs: options.submitTimeoutMs,
    onRequest,
    hooks: {
      afterSubmitSent: () => crashPoint('after-send'),
      afterSubmitAnswer: () => crashPoint('after-answer'),
    },
  });
}
