// The CLI's log file (createFileLog): lines with time and level, the key masked, rotated like
// main.log once past its size, and a folder that cannot be written reported, never thrown.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createFileLog } from '../../../../main/core/app/log-file';
import { tempDir } from './helpers';

const dir = tempDir('sm-log-file-');
afterAll(() => dir.remove());

describe('createFileLog', () => {
  it('writes "<time> [level] text" lines, the key masked, into a folder it creates', () => {
    const path = join(dir.path, 'new', 'cli.log');
    const log = createFileLog({
      path,
      secrets: () => ['rk_live_SECRET_1234'],
      now: () => Date.UTC(2026, 11, 7),
    });
    log.log('warn', 'sent with rk_live_SECRET_1234 to', { host: 'x' });
    log.log('error', new Error('boom'));
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines[0]).toBe('2026-12-07T00:00:00.000Z [warn] sent with [redacted] to {"host":"x"}');
    expect(lines[1]).toBe('2026-12-07T00:00:00.000Z [error] Error: boom');
    expect(lines[2]).toMatch(/^\s+at /);
    expect(log.problem).toBeNull();
  });

  it('rotates past its size: cli.log -> cli.1.log ..., the oldest dropped', () => {
    const path = join(dir.path, 'rotating', 'cli.log');
    const log = createFileLog({ path, secrets: () => [], maxBytes: 200, keep: 2 });
    for (let i = 0; i < 20; i++) log.log('info', `line ${i} ${'x'.repeat(40)}`);
    expect(readFileSync(path, 'utf8')).toContain('line 19');
    expect(readFileSync(path, 'utf8').length).toBeLessThanOrEqual(200);
    expect(existsSync(join(dir.path, 'rotating', 'cli.1.log'))).toBe(true);
    expect(existsSync(join(dir.path, 'rotating', 'cli.2.log'))).toBe(true);
    expect(existsSync(join(dir.path, 'rotating', 'cli.3.log'))).toBe(false);
  });

  it('appends to the file a previous run left, counting its size', () => {
    const path = join(dir.path, 'kept', 'cli.log');
    mkdirSync(join(dir.path, 'kept'));
    writeFileSync(path, 'earlier run\n');
    createFileLog({ path, secrets: () => [] }).log('info', 'this run');
    expect(readFileSync(path, 'utf8')).toMatch(/^earlier run\n.* \[info\] this run\n$/);
  });

  it('a log it cannot write (a folder in its place) is reported in `problem`, never thrown', () => {
    const taken = join(dir.path, 'taken.log');
    mkdirSync(taken);
    const log = createFileLog({ path: taken, secrets: () => [] });
    expect(() => log.log('info', 'x')).not.toThrow();
    expect(log.problem).toMatch(new RegExp(`^cannot write the log ${taken}: EISDIR`));
  });
});
