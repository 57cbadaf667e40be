// Files dropped one by one read their folder's caption files and
// prompts.csv. A caption or prompts.csv that is a symlink out of that folder must not become
// prompt text sent to RunComfy: the same containment rule as the folder walk.
import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanPaths } from '../../../../main/core/intake/scan';
import { makeTempDir, writeJpeg, writeText } from './fixtures';

let base: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir: base, cleanup } = await makeTempDir()));
afterAll(() => cleanup());

describe('dropped files do not follow sidecar symlinks out of their folder', () => {
  it('ignores and reports a caption .txt and a prompts.csv that link outside the folder', async () => {
    const root = join(base, 'shoot');
    const outside = join(base, 'elsewhere');
    await mkdir(root, { recursive: true });
    const photo = await writeJpeg(join(root, 'photo.jpg'));
    await writeText(join(outside, 'secret.txt'), 'SECRET caption from outside');
    await writeText(join(outside, 'other.csv'), 'file,prompt\nphoto.jpg,SECRET prompt from outside\n');
    await symlink(join(outside, 'secret.txt'), join(root, 'photo.txt'));
    await symlink(join(outside, 'other.csv'), join(root, 'prompts.csv'));

    const scan = await scanPaths([photo]);
    expect(scan.images).toHaveLength(1);
    expect(scan.images[0]!.caption).toBeNull();
    expect(scan.images[0]!.csvRow).toBeNull();
    expect(JSON.stringify(scan)).not.toContain('SECRET');
    const reasons = scan.rejected.map((r) => `${r.path}: ${r.reason}`).join('\n');
    expect(reasons).toContain(
      `${join(root, 'photo.txt')}: symbolic link to ${join(outside, 'secret.txt')}, outside the dropped folder ${root}; not followed`,
    );
    expect(reasons).toContain(`${join(root, 'prompts.csv')}: symbolic link to ${join(outside, 'other.csv')}`);
  });

  it('still reads a caption that links to a file inside the same folder', async () => {
    const root = join(base, 'inside');
    await mkdir(root, { recursive: true });
    const photo = await writeJpeg(join(root, 'photo.jpg'));
    await writeText(join(root, 'captions', 'photo-caption.txt'), 'a red barn');
    await symlink(join(root, 'captions', 'photo-caption.txt'), join(root, 'photo.txt'));
    const scan = await scanPaths([photo]);
    expect(scan.images[0]!.caption).toBe('a red barn');
    expect(scan.rejected).toEqual([]);
  });
});
