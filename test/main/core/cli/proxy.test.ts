// The CLI behind a proxy, as in a studio whose network allows only its proxy: with HTTP_PROXY
// and HTTPS_PROXY set, every request of a run (submits, polls, downloads) goes through a
// logging CONNECT proxy started here, and the simulator's ledger counts no request the proxy did
// not see; with NO_PROXY naming the simulator's host the same run goes direct.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../../../../main/core/simulator';
import { startLoggingProxy, type LoggingProxy } from './connect-proxy';
import { cli, fastWorld, simulatedRun, writeImages } from './helpers';

const { clock, work, images, out, env: envFor, mp4s } = fastWorld('proxy');
let sim: SimulatorHandle;
let proxy: LoggingProxy;

/** The child's environment: the simulator, this proxy for both schemes, and no proxy settings from outside. */
function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const base = envFor(sim.url);
  for (const name of ['http_proxy', 'https_proxy', 'no_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY'])
    delete base[name];
  return { ...base, HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, ...extra };
}

/** What the simulator received, by kind. */
function received() {
  const { submits, polls, downloads, cancels } = sim.ledger;
  return {
    submits: submits.length,
    polls: polls.length,
    downloads: downloads.length,
    cancels: cancels.length,
  };
}

/** What passed the proxy, by the same kinds; anything else (or to another host) is "other". */
function proxied(log: readonly string[]) {
  const origin = new URL(sim.url).origin;
  const counts = { submits: 0, polls: 0, downloads: 0, cancels: 0, account: 0, other: [] as string[] };
  for (const entry of log) {
    if (entry.startsWith('CONNECT ')) continue;
    const [method, href] = entry.split(' ') as [string, string];
    const url = new URL(href);
    if (url.origin !== origin) counts.other.push(entry);
    else if (method === 'POST' && url.pathname.startsWith('/v1/models/')) counts.submits++;
    else if (method === 'POST' && url.pathname.endsWith('/cancel')) counts.cancels++;
    else if (method === 'GET' && /\/(status|result)$/.test(url.pathname)) counts.polls++;
    else if (method === 'GET' && url.pathname.startsWith('/outputs/')) counts.downloads++;
    // RunComfy's catalog and the account's balance, read before a run.
    else if (method === 'GET' && (url.pathname === '/v1/models' || url.pathname === '/prod/v2/balance'))
      counts.account++;
    else counts.other.push(entry);
  }
  return counts;
}

beforeAll(async () => {
  await writeImages(images, 3);
  sim = await startSimulator({ clock, generationMs: () => 5_000 });
  proxy = await startLoggingProxy();
});

afterAll(async () => {
  await sim?.close();
  await proxy?.close();
  work.remove();
});

describe('stillmotion run behind a proxy', () => {
  it('sends every request through HTTPS_PROXY / HTTP_PROXY: the proxy saw all the simulator received', async () => {
    const run = await cli(
      ['run', images, '-t', '{name}', '--yes', '--out', out, '--db', join(work.path, 'a.sqlite')],
      env(),
    );
    expect(run.code, run.stderr).toBe(0);
    expect(mp4s()).toHaveLength(3);
    const counts = proxied(proxy.log);
    expect(counts.other).toEqual([]);
    expect(counts.submits).toBe(3);
    expect(counts.downloads).toBeGreaterThanOrEqual(3);
    expect(counts.polls).toBeGreaterThan(0);
    // The catalog and the balance go through the proxy too (the simulator's ledger counts jobs only).
    expect(counts.account).toBeGreaterThan(0);
    const { other: _, account: __, ...byKind } = counts;
    expect(byKind).toEqual(received());
    expect(proxy.log.some((entry) => entry === `CONNECT ${new URL(sim.url).host}`)).toBe(true);
  }, 120_000);

  it('goes direct to a host NO_PROXY names: the proxy sees nothing, the videos still come', async () => {
    const before = proxy.log.length;
    const submitsBefore = sim.ledger.submits.length;
    const run = await cli(
      [
        'run',
        images,
        '-t',
        '{name} again',
        '--yes',
        '--out',
        join(out, 'direct'),
        '--db',
        join(work.path, 'b.sqlite'),
      ],
      env({ NO_PROXY: new URL(sim.url).hostname }),
    );
    expect(run.code, run.stderr).toBe(0);
    expect(sim.ledger.submits.length - submitsBefore).toBe(3);
    expect(proxy.log.slice(before)).toEqual([]);
    expect(mp4s().filter((file) => file.startsWith('direct'))).toHaveLength(3);
  }, 120_000);

  it('--simulate reaches its own in-process simulator directly, whatever the proxy variables say', async () => {
    const before = proxy.log.length;
    const run = await cli(
      simulatedRun(images, join(out, 'simulated'), join(work.path, 'c.sqlite'), '{name} simulated'),
      env(),
    );
    expect(run.code, run.stderr).toBe(0);
    expect(proxy.log.slice(before)).toEqual([]);
    expect(mp4s().filter((file) => file.startsWith('simulated'))).toHaveLength(3);
  }, 120_000);
});
