// Test-only spells of file errors (STILLMOTION_FILE_FAULTS) over the engine's real FileOps in a
// temporary folder: a spell the control file describes fails open, write, mkdir, link and rename
// with Node-shaped errors (code, syscall, path), turns off when the file is emptied, and with
// trace=1 logs which process touched which file. Unset, the FileOps are returned untouched.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nodeFileOps, type FileOps } from '../../../../main/core/engine/download-files';
import { withFileFaults } from '../../../../main/core/engine/file-faults';
import { tempDir } from './helpers';

let dir: ReturnType<typeof tempDir>;
let control: string;
beforeEach(() => {
  dir = tempDir('sm-file-faults-');
  control = join(dir.path, 'control');
});
afterEach(() => dir.remove());

/** Writes `text` to `name` through `ops`: null when it worked, else the error. */
async function save(ops: FileOps, name: string, text = 'bytes'): Promise<(Error & { code?: string }) | null> {
  try {
    const handle = await ops.open(join(dir.path, name), 'w');
    try {
      await ops.write(handle, Buffer.from(text));
    } finally {
      await handle.close();
    }
    return null;
  } catch (error) {
    return error as Error & { code?: string };
  }
}

/** Tries until `attempt` answers what is wanted: the control file is re-read every 100 ms. */
async function eventually<T>(attempt: (n: number) => Promise<T>, wanted: (value: T) => boolean): Promise<T> {
  for (let n = 0; ; n++) {
    const value = await attempt(n);
    if (wanted(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('file fault spells', () => {
  it('unset, leave the FileOps as they are', () => {
    expect(withFileFaults(nodeFileOps, {})).toBe(nodeFileOps);
  });

  it('fail every operation while a spell is on, with code, syscall and path, and stop when it ends', async () => {
    const ops = withFileFaults(nodeFileOps, { STILLMOTION_FILE_FAULTS: control });
    expect(await save(ops, 'before.mp4')).toBeNull(); // no control file: no spell
    writeFileSync(control, 'rate=1,codes=EBUSY');
    let name = '';
    const error = await eventually(
      (n) => save(ops, (name = `during-${n}.mp4`)),
      (e) => e !== null,
    );
    expect(error).toMatchObject({ code: 'EBUSY', syscall: 'open', path: join(dir.path, name) });
    expect(error!.message).toMatch(/^EBUSY: resource busy or locked, open '.*during-\d+\.mp4'$/);
    expect(existsSync(join(dir.path, name))).toBe(false);
    await expect(ops.mkdir(join(dir.path, 'sub'), false)).rejects.toMatchObject({
      code: 'EBUSY',
      syscall: 'mkdir',
    });
    await expect(ops.rename(join(dir.path, 'before.mp4'), join(dir.path, 'moved.mp4'))).rejects.toMatchObject(
      {
        code: 'EBUSY',
        syscall: 'rename',
      },
    );
    expect(existsSync(join(dir.path, 'before.mp4'))).toBe(true);

    writeFileSync(control, '');
    await eventually(
      () => save(ops, 'after.mp4'),
      (e) => e === null,
    );
    expect(readFileSync(join(dir.path, 'after.mp4'), 'utf8')).toBe('bytes');
  });

  it('fail the share a rate asks for, with the codes named, and trace every operation when asked', async () => {
    const log = join(dir.path, 'ops.jsonl');
    writeFileSync(control, `rate=0.5,seed=3,codes=EMFILE,ETIMEDOUT,log=${log},trace=1`);
    const ops = withFileFaults(nodeFileOps, { STILLMOTION_FILE_FAULTS: control });
    const outcomes: string[] = [];
    for (let i = 0; i < 40; i++) outcomes.push((await save(ops, `v${i}.mp4`))?.code ?? '-');
    const failed = outcomes.filter((o) => o !== '-');
    expect(new Set(failed)).toEqual(new Set(['EMFILE', 'ETIMEDOUT']));
    expect(failed.length).toBeGreaterThan(10);
    expect(failed.length).toBeLessThan(40);
    const lines = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { pid: number; syscall: string; path: string; code: string | null });
    // One line per open, and one per write that followed a successful open, naming its file.
    const opens = lines.filter((l) => l.syscall === 'open');
    expect(opens).toHaveLength(40);
    const writes = lines.filter((l) => l.syscall === 'write');
    expect(writes.length).toBe(opens.filter((l) => l.code === null).length);
    expect(writes.every((l) => l.pid === process.pid && /v\d+\.mp4$/.test(l.path))).toBe(true);
    expect(lines.filter((l) => l.code !== null)).toHaveLength(failed.length);
  });

  it('refuses a control file that names a code it does not know', async () => {
    writeFileSync(control, 'rate=1,codes=EBUSSY');
    const ops = withFileFaults(nodeFileOps, { STILLMOTION_FILE_FAULTS: control });
    await expect(ops.mkdir(join(dir.path, 'x'), false)).rejects.toThrow(
      /STILLMOTION_FILE_FAULTS: code "EBUSSY" is not one of EBUSY, EMFILE, ETIMEDOUT, EAGAIN, ENOSPC, EIO/,
    );
  });
});
