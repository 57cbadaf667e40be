// Command-line flags of the simulator (cli.ts), kept apart from the process wiring so they can
// be tested. Bad values throw an Error whose message names the flag, the value and what fits.
import { parseArgs } from 'node:util';
import { ALL_TARGETS } from './faults';
import type { EnvironmentFaults, FaultRates, FaultTarget, SimulatorOptions } from './types';
import { DEMO_API_KEY } from './types';

export const HELP = `Usage: npm run simulator -- [options]

  --host <addr>                 listen address (default 127.0.0.1)
  --port <n>                    port (default 0: any free port)
  --time-scale <x>              multiplies every simulated duration (0.01: 90 s -> 0.9 s; default 1)
  --seed <n>                    seed for faults, request ids and timing jitter
  --concurrency-cap <n>         jobs running at once per account (default 5)
  --max-active <n>              queued+running jobs per account before submits get 429 (default none)
  --credit <usd>                credit of the demo key (default 1000; POST /_simulator/credit
                                {"add_usd": n} or {"credit_usd": n, "key": k} changes it while running)
  --key <key=usd>               another accepted key and its credit (repeatable)
  --output-bytes <n>            size of every output mp4 (padded; default ~6 KB)
  --output-ttl-ms <n>           output URLs answer 404 this long after the job ended
  --request-ttl-ms <n>          requests answer 404001 this long after they ended
  --max-body-bytes <n>          largest accepted submit body (default 64 MiB)
  --upstream-image-limits       fail jobs whose data-URI start image breaks Kling's limits
 faults (probabilities 0..1 per matching request):
  --http5xx <p>  --http429 <p>  --retry-after seconds|http-date
  --reset-before-body <p>  --reset-after-body <p>  --hang <p>
  --truncated-download <p>  --slow-download <p>  --slow-bytes-per-sec <n>
  --generation-failure <p>
  --fault-targets <list>        comma list of ${ALL_TARGETS.join(',')} (default all)
 environment faults (seeded apart from the faults above):
  --cdn-lag-ms <n>              a video URL answers a bare 404 (no error_code) for n ms after its job ended
  --download-outage-ms <n>      output downloads fail for n ms (connection reset, or --download-outage-kind 503)
  --download-outage-at-ms <n>   the outage starts n ms after the simulator (default: a seeded moment
                                within --download-outage-within-ms, default 600000)
  --download-outage-within-ms <n>   --download-outage-kind reset|503
  --proxy-html-404 <p>          status/result answer a proxy's bare HTML 404 (no error_code)
  --missing-output-url <p>      a job succeeds with no video URL in output (and is billed)
  --silent-download <p>         a download sends its headers (or part of the body), then nothing,
                                the socket left open; --silent-cut-after-ms <n>: cut after n ms
  (times are on the simulator's clock, like --output-ttl-ms: --time-scale does not shrink them)
 variants:
  --output-shape video|videos   --failure-on-status completed|failed
  --errors-as-http200           --cancel-outcome <word>   --error-shape string|object
  --success-on-status completed|succeeded
  -h, --help`;

function number(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed))
    throw new Error(`--${name} must be a number, got '${value}'`);
  return parsed;
}

function oneOf<T extends string>(
  name: string,
  value: string | undefined,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value))
    throw new Error(`--${name} must be one of ${allowed.join(', ')}, got '${value}'`);
  return value as T;
}

export function optionsFromArgs(args: string[]): SimulatorOptions | 'help' {
  const { values } = parseArgs({
    args,
    allowPositionals: false,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      'time-scale': { type: 'string' },
      seed: { type: 'string' },
      'concurrency-cap': { type: 'string' },
      'max-active': { type: 'string' },
      credit: { type: 'string' },
      key: { type: 'string', multiple: true },
      'output-bytes': { type: 'string' },
      'output-ttl-ms': { type: 'string' },
      'request-ttl-ms': { type: 'string' },
      'max-body-bytes': { type: 'string' },
      'upstream-image-limits': { type: 'boolean' },
      http5xx: { type: 'string' },
      http429: { type: 'string' },
      'retry-after': { type: 'string' },
      'reset-before-body': { type: 'string' },
      'reset-after-body': { type: 'string' },
      hang: { type: 'string' },
      'truncated-download': { type: 'string' },
      'slow-download': { type: 'string' },
      'slow-bytes-per-sec': { type: 'string' },
      'generation-failure': { type: 'string' },
      'fault-targets': { type: 'string' },
      'cdn-lag-ms': { type: 'string' },
      'download-outage-ms': { type: 'string' },
      'download-outage-at-ms': { type: 'string' },
      'download-outage-within-ms': { type: 'string' },
      'download-outage-kind': { type: 'string' },
      'proxy-html-404': { type: 'string' },
      'missing-output-url': { type: 'string' },
      'silent-download': { type: 'string' },
      'silent-cut-after-ms': { type: 'string' },
      'output-shape': { type: 'string' },
      'failure-on-status': { type: 'string' },
      'errors-as-http200': { type: 'boolean' },
      'cancel-outcome': { type: 'string' },
      'error-shape': { type: 'string' },
      'success-on-status': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';

  const apiKeys: Record<string, number> = { [DEMO_API_KEY]: number('credit', values.credit) ?? 1000 };
  for (const pair of values.key ?? []) {
    const [key, usd] = pair.split('=');
    if (!key || usd === undefined)
      throw new Error(`--key must look like mykey=25 (key and USD credit), got '${pair}'`);
    apiKeys[key] = number('key', usd) ?? 0;
  }
  const faults: FaultRates = {
    http5xx: number('http5xx', values.http5xx),
    http429: number('http429', values.http429),
    retryAfter: oneOf('retry-after', values['retry-after'], ['seconds', 'http-date'] as const),
    resetBeforeBody: number('reset-before-body', values['reset-before-body']),
    resetAfterBody: number('reset-after-body', values['reset-after-body']),
    hang: number('hang', values.hang),
    truncatedDownload: number('truncated-download', values['truncated-download']),
    slowDownload: number('slow-download', values['slow-download']),
    slowDownloadBytesPerSec: number('slow-bytes-per-sec', values['slow-bytes-per-sec']),
    generationFailure: number('generation-failure', values['generation-failure']),
  };
  const outageMs = number('download-outage-ms', values['download-outage-ms']);
  const silentRate = number('silent-download', values['silent-download']);
  const silentCut = number('silent-cut-after-ms', values['silent-cut-after-ms']);
  const environment: EnvironmentFaults = {
    cdnLagMs: number('cdn-lag-ms', values['cdn-lag-ms']),
    downloadOutage:
      outageMs === undefined
        ? undefined
        : {
            durationMs: outageMs,
            startMs: number('download-outage-at-ms', values['download-outage-at-ms']),
            withinMs: number('download-outage-within-ms', values['download-outage-within-ms']),
            kind: oneOf('download-outage-kind', values['download-outage-kind'], ['reset', '503'] as const),
          },
    proxyHtml404: number('proxy-html-404', values['proxy-html-404']),
    missingOutputUrl: number('missing-output-url', values['missing-output-url']),
    silentDownload: silentRate === undefined ? undefined : { rate: silentRate, cutAfterMs: silentCut },
  };
  if (silentCut !== undefined && silentRate === undefined)
    throw new Error('--silent-cut-after-ms needs --silent-download <p> (how many downloads go silent)');
  for (const flag of ['download-outage-at-ms', 'download-outage-within-ms', 'download-outage-kind'] as const)
    if (values[flag] !== undefined && outageMs === undefined)
      throw new Error(`--${flag} needs --download-outage-ms <n> (how long the outage lasts)`);
  const faultTargets = values['fault-targets']
    ?.split(',')
    .map((t) => oneOf('fault-targets', t.trim(), ALL_TARGETS) as FaultTarget);

  return {
    host: values.host,
    port: number('port', values.port) ?? 0,
    timeScale: number('time-scale', values['time-scale']),
    seed: number('seed', values.seed),
    concurrencyCap: number('concurrency-cap', values['concurrency-cap']),
    maxActivePerAccount: number('max-active', values['max-active']),
    apiKeys,
    outputBytes: number('output-bytes', values['output-bytes']),
    outputTtlMs: number('output-ttl-ms', values['output-ttl-ms']),
    requestTtlMs: number('request-ttl-ms', values['request-ttl-ms']),
    maxBodyBytes: number('max-body-bytes', values['max-body-bytes']),
    upstreamImageLimits: values['upstream-image-limits'],
    faults,
    faultTargets,
    environment,
    variants: {
      outputShape: oneOf('output-shape', values['output-shape'], ['video', 'videos'] as const),
      failureOnStatus: oneOf('failure-on-status', values['failure-on-status'], [
        'completed',
        'failed',
      ] as const),
      errorsAsHttp200: values['errors-as-http200'],
      cancelOutcome: values['cancel-outcome'],
      errorShape: oneOf('error-shape', values['error-shape'], ['string', 'object'] as const),
      successOnStatus: oneOf('success-on-status', values['success-on-status'], [
        'completed',
        'succeeded',
      ] as const),
    },
  };
}
