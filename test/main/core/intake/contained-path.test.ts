// The containment gate: a file named inside a dropped folder (a prompts.csv `elements`,
// `end_image` or `file` cell) is opened only when it is inside that folder. Absolute, network,
// device, drive-letter and escaping names are refused before anything touches the disk, and a
// link out of the folder is refused by its real path; the refusal names the cell, the value and
// what to do, in English and Chinese.
import { symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCatalog } from '../../../../main/core/catalog/catalog';
import type { ScanResult } from '../../../../main/core/core-api';
import { DEFAULT_SETTINGS, type BatchSettings } from '../../../../main/core/domain';
import { createIntake } from '../../../../main/core/intake';
import { gateCellPath, lexicalRefusal } from '../../../../main/core/intake/contained-path';
import { formatReason } from '@common/reasons';
import { makeTempDir, writeJpeg, writeNoisePng } from './fixtures';

describe('the lexical gate', () => {
  it.each([
    ['/Users/you/Documents/passport.png', 'absolute'],
    ['\\Users\\you\\passport.png', 'absolute'],
    ['\\\\host\\share\\x.png', 'network'],
    ['//host/share/x.png', 'network'],
    ['\\\\?\\C:\\secret.png', 'device'],
    ['\\\\.\\pipe\\x', 'device'],
    ['//?/C:/secret.png', 'device'],
    ['C:\\Users\\you\\x.png', 'drive'],
    ['c:x.png', 'drive'],
    ['../../Pictures/x.png', 'parent'],
    ['refs/../../x.png', 'parent'],
    ['..\\x.png', 'parent'],
  ])('refuses %s (%s)', (name, refusal) => {
    expect(lexicalRefusal(name)).toBe(refusal);
  });

  it.each(['refs/owl.png', 'refs\\owl.png', './owl.png', 'refs/../owl.png', '~/owl.png'])(
    'lets %s through: it stays inside',
    (name) => expect(lexicalRefusal(name)).toBeNull(),
  );

  it('lets ".." climb from a prompts.csv in a subfolder up to the root, not above it', () => {
    expect(lexicalRefusal('../shared/owl.png', ['sub'])).toBeNull();
    expect(lexicalRefusal('../../owl.png', ['sub'])).toBe('parent');
    expect(gateCellPath('/drop', 'sub', '../shared/owl.png')).toEqual({
      ok: true,
      path: join('/drop', 'shared', 'owl.png'),
    });
  });
});

describe('cells naming files outside the dropped folder', () => {
  let dir: string;
  let root: string;
  let outside: string;
  let cleanup: () => Promise<void>;
  let scan: ScanResult;
  const intake = createIntake({ findDone: () => null });
  const pro = createCatalog().get('kling/kling-3.0/pro/image-to-video');
  const settings: BatchSettings = {
    ...DEFAULT_SETTINGS,
    modelId: pro.id,
    outputDir: '/videos',
    promptTemplate: '@Element1 in {name}',
  };

  beforeAll(async () => {
    ({ dir, cleanup } = await makeTempDir('sm-contained-'));
    root = join(dir, 'drop');
    outside = join(dir, 'private', 'passport.png');
    await writeNoisePng(outside, 400, 400);
    for (const name of ['abs', 'up', 'unc', 'drive', 'device', 'link', 'ok', 'endabs', 'endup'])
      await writeJpeg(join(root, `${name}.jpg`), 640, 480);
    await writeNoisePng(join(root, 'refs', 'owl.png'), 400, 400);
    await symlink(outside, join(root, 'refs', 'link.png'));
    await writeFile(
      join(root, 'prompts.csv'),
      [
        'file,elements,end_image,prompt',
        `abs.jpg,${outside},,@Element1`,
        'up.jpg,../private/passport.png,,@Element1',
        'unc.jpg,\\\\attacker\\share\\x.png,,@Element1',
        'drive.jpg,C:\\Users\\you\\passport.png,,@Element1',
        'device.jpg,\\\\?\\C:\\passport.png,,@Element1',
        'link.jpg,refs/link.png,,@Element1',
        'ok.jpg,refs/owl.png,,@Element1',
        `endabs.jpg,,${outside},x`,
        'endup.jpg,,../private/passport.png,x',
      ].join('\n'),
    );
    scan = await intake.checkElementImages(await intake.scan([root]), undefined);
  });
  afterAll(() => cleanup());

  it('never checks (opens) them at scan time', () => {
    const checked = Object.keys(scan.elementImages ?? {});
    expect(checked).toContain(join(root, 'refs', 'owl.png'));
    expect(checked).not.toContain(outside);
    expect(checked.filter((path) => !path.startsWith(root))).toEqual([]);
    // The link inside the folder is refused by its real path, without being read.
    expect(scan.elementImages![join(root, 'refs', 'link.png')]).toMatchObject({ ok: false, refused: 'link' });
  });

  it('refuses their items in words naming the cell, in English and Chinese', () => {
    const plan = intake.plan(scan, settings);
    const verdict = (name: string) => plan.items.find((i) => i.relativePath === name)!.verdict;
    expect(verdict('ok.jpg')).toBeNull();
    for (const [name, how] of [
      ['abs.jpg', 'is an absolute path'],
      ['up.jpg', 'climbs out of the folder with ".."'],
      ['unc.jpg', 'names a network location'],
      ['drive.jpg', 'names a drive (C:)'],
      ['device.jpg', 'is a Windows device path'],
      ['link.jpg', 'leads out of the folder through a symbolic link'],
    ] as const) {
      const v = verdict(name)!;
      expect(v.code, name).toBe('path_outside_folder');
      expect(v.message).toContain(`column elements) ${how}`);
      expect(v.message).toContain(`only files inside the dropped folder ${root}`);
      expect(v.message).toMatch(/Copy the image into that folder/);
      expect(formatReason(v.reason!, 'zh-CN')).toMatch(/只打开拖入的文件夹/);
    }
    const end = verdict('endabs.jpg')!;
    expect(end.code).toBe('path_outside_folder');
    expect(end.message).toContain(`The end_image cell "${outside}" (prompts.csv, row 9, column end_image)`);
    expect(verdict('endup.jpg')!.message).toContain('climbs out of the folder');
    // Nothing planned to be sent names the outside file.
    expect(JSON.stringify(plan.items.filter((i) => !i.verdict).map((i) => i.request))).not.toContain(
      'private',
    );
  });

  it('refuses a `file` cell reaching outside in words, without looking it up', async () => {
    const files = join(dir, 'files');
    await writeJpeg(join(files, 'a.jpg'), 640, 480);
    await writeFile(join(files, 'prompts.csv'), `file,prompt\n${outside},x\n../private/passport.png,y\n`);
    const result = await intake.scan([join(files, 'a.jpg')]);
    expect(result.problems.map((p) => [p.code, p.row])).toEqual([
      ['csv_file_outside', 2],
      ['csv_file_outside', 3],
    ]);
    expect(result.problems[0]!.message).toContain('is an absolute path');
  });
});
