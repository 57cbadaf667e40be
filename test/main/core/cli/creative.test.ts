// Creative controls from the command line against the simulator: takes, end frames paired by
// name, loop. Every request must be accepted by the simulator and every video named as the
// README says.
import { existsSync, readdirSync } from 'node:fs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auditLedger,
  DEMO_API_KEY,
  startSimulator,
  type SimulatorHandle,
} from '../../../../main/core/simulator';
import { scaledClock } from '../../../../main/core/util/clock';
import { childEnv, cli, tempDir, writeImages } from './helpers';

const FACTOR = 20;
const EPOCH = Date.now();
const clock = scaledClock(FACTOR, EPOCH, EPOCH);
const work = tempDir('sm-cli-creative-');
const images = join(work.path, 'images');
let sim: SimulatorHandle;

const env = () =>
  childEnv(join(work.path, 'data'), {
    STILLMOTION_CLOCK_FACTOR: String(FACTOR),
    STILLMOTION_CLOCK_EPOCH: String(EPOCH),
    RUNCOMFY_API_BASE: sim.url,
    RUNCOMFY_API_KEY: DEMO_API_KEY,
  });
const mp4s = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir, { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.mp4'))
        .sort()
    : [];

const pairs = join(work.path, 'pairs');
const jpeg = (path: string, width: number, height: number, red: number) =>
  sharp({ create: { width, height, channels: 3, background: { r: red, g: 90, b: 160 } } })
    .jpeg({ quality: 70 })
    .toFile(path);

beforeAll(async () => {
  await writeImages(images, 2);
  mkdirSync(join(pairs, 'end'), { recursive: true });
  await jpeg(join(pairs, 'x.jpg'), 640, 480, 10);
  await jpeg(join(pairs, 'x.end.jpg'), 640, 480, 200);
  await jpeg(join(pairs, 'y.jpg'), 480, 640, 60);
  await jpeg(join(pairs, 'end', 'y.jpg'), 480, 640, 250);
  await jpeg(join(pairs, 'w.jpg'), 800, 600, 120);
  // A multi-shot video for w.jpg (one without an end frame): 4 s + 6 s = its 10 s.
  writeFileSync(
    join(pairs, 'prompts.csv'),
    'file,shots,duration\nw.jpg,"4s: wide on {name} | 6s: close on {caption|the door}",10\n',
  );
  sim = await startSimulator({ clock, generationMs: () => 10_000 });
});
afterAll(async () => {
  await sim.close();
  work.remove();
});

describe('stillmotion run --takes', () => {
  it('2 takes per image: every take sent and named {name}-take{take}.mp4; 3 takes later sends only the third', async () => {
    const out = join(work.path, 'out-takes');
    const db = join(work.path, 'takes.sqlite');
    const args = ['run', images, '-t', '{name}, take {take}', '--yes', '--out', out, '--db', db];
    const two = await cli([...args, '--takes', '2'], env());
    expect(two.code, two.stderr).toBe(0);
    expect(two.stdout).toMatch(
      /Found 2 images, 2 takes each: 4 videos to send, 0 refused, 0 already generated\./,
    );
    expect(mp4s(out)).toEqual([
      'day-2/shot-1-take1.mp4',
      'day-2/shot-1-take2.mp4',
      'shot-0-take1.mp4',
      'shot-0-take2.mp4',
    ]);
    expect(sim.ledger.submits.map((s) => s.prompt).sort()).toEqual([
      'shot-0, take 1',
      'shot-0, take 2',
      'shot-1, take 1',
      'shot-1, take 2',
    ]);
    // Asked again with 3 takes: the two takes already made are skipped, only take 3 is paid.
    const three = await cli([...args, '--takes', '3'], env());
    expect(three.code, three.stderr).toBe(0);
    expect(three.stdout).toMatch(
      /Found 2 images, 3 takes each: 2 videos to send, 0 refused, 4 already generated\./,
    );
    // The four videos already made are one line, not four.
    expect(three.stdout).toContain(
      '  skipped: 4 videos already generated (kept where they are; --force makes them again)',
    );
    expect(three.stdout).not.toContain('already generated: ');
    // A third time nothing is left to make: said so, not "no usable image".
    const again = await cli([...args, '--takes', '3'], env());
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(
      'Nothing to send: every usable image is already generated or on its way (see above; --force makes them again).',
    );
    expect(mp4s(out)).toHaveLength(6);
    const audit = auditLedger(sim.ledger);
    expect(audit.jobsCreated).toBe(6);
    expect(audit.duplicateJobs).toBe(0);
    expect(sim.ledger.submits.map((s) => s.httpStatus)).toEqual([200, 200, 200, 200, 200, 200]);
  });

  it('refuses --takes 11 before scanning or paying, naming the flag, the value and the range', async () => {
    const run = await cli(['run', images, '-t', '{name}', '--takes', '11', '--yes'], env());
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--takes must be a whole number from 1 to 10 videos per image, got "11".');
  });

  it('refuses --shots that do not add up to --duration before scanning, with both numbers', async () => {
    const run = await cli(['run', images, '--shots', '3s: a | 3s: b', '--duration', '5', '--yes'], env());
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      '--shots: the shots add up to 6 s (3 s + 3 s) but the video is 5 s; make them add up to 5 s or set the duration to 6.',
    );
  });
});

describe('stillmotion run with end frames', () => {
  it('x.jpg + x.end.jpg, end/y.jpg and a shots column, 2 takes, Kling 3.0 Pro: 6 videos, every request accepted', async () => {
    const out = join(work.path, 'out-pairs');
    const before = sim.ledger.submits.length;
    const run = await cli(
      [
        'run',
        pairs,
        '-t',
        '{name} turns around',
        '-m',
        'pro',
        '--takes',
        '2',
        '--yes',
        '--out',
        out,
        '--db',
        join(work.path, 'pairs.sqlite'),
      ],
      env(),
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('2 end frames paired by name: x.jpg + x.end.jpg, y.jpg + end/y.jpg');
    expect(run.stdout).toMatch(/Found 3 images and 2 end frames, 2 takes each: 6 videos to send, 0 refused/);
    // The example of what is sent shows a multi-shot video's shots, not only its prompt.
    expect(run.stdout).toContain('  e.g. w.jpg: 4s: "wide on w" | 6s: "close on the door"\n');
    expect(mp4s(out)).toEqual([
      'w-take1.mp4',
      'w-take2.mp4',
      'x-take1.mp4',
      'x-take2.mp4',
      'y-take1.mp4',
      'y-take2.mp4',
    ]);
    const submits = sim.ledger.submits.slice(before);
    expect(submits.map((s) => [s.modelId, s.httpStatus])).toEqual(
      Array(6).fill(['kling/kling-3.0/pro/image-to-video', 200]),
    );
    // The multi-shot takes were sent as 10 s videos, the others at the default 5 s.
    expect(submits.map((s) => s.duration).sort()).toEqual([10, 10, 5, 5, 5, 5]);
  });

  it('refuses --loop for a model without an end frame; a pair sends its start image alone, saying so', async () => {
    const before = sim.ledger.submits.length;
    const loop = await cli(['run', images, '-t', '{name}', '--loop', '--yes'], env());
    expect(loop.code).toBe(2);
    expect(loop.stderr).toContain(
      'Kling 3.0 Standard has no end-frame field, so a loop (each video ending on its start image) cannot be made',
    );
    expect(sim.ledger.submits.length).toBe(before);
    const out = join(work.path, 'out-standard');
    const standard = await cli(
      ['run', pairs, '-t', '{name}', '--yes', '--out', out, '--db', join(work.path, 'std.sqlite')],
      env(),
    );
    // Kling 3.0 Standard has multi-shot but no end frame: w.jpg is made, and x and y go alone.
    expect(standard.code).toBe(0);
    expect(standard.stdout).toContain(
      'note: x.jpg: x.end.jpg (the end frame of x.jpg, paired by its name) is not sent: Kling 3.0 Standard has no end-frame field, so the video starts on x.jpg alone.',
    );
    expect(standard.stdout).not.toContain('refused: x.jpg');
    expect(mp4s(out)).toEqual(['w.mp4', 'x.mp4', 'y.mp4']);
    const sent = sim.ledger.submits.slice(before).map((s) => [s.modelId, s.httpStatus, s.duration]);
    expect(sent).toHaveLength(3);
    expect(sent).toContainEqual(['kling/kling-3.0/standard/image-to-video', 200, 10]);
  });
});

describe('stillmotion run --fit and --element', () => {
  // Kling's upstream image limits on: an image sent outside them would fail its generation.
  let strict: SimulatorHandle;
  const wide = join(work.path, 'wide');
  const library = join(work.path, 'library');
  const strictEnv = () =>
    childEnv(join(work.path, 'data-strict'), {
      STILLMOTION_CLOCK_FACTOR: String(FACTOR),
      STILLMOTION_CLOCK_EPOCH: String(EPOCH),
      RUNCOMFY_API_BASE: strict.url,
      RUNCOMFY_API_KEY: DEMO_API_KEY,
    });
  beforeAll(async () => {
    mkdirSync(wide, { recursive: true });
    mkdirSync(library, { recursive: true });
    await jpeg(join(wide, 'pano.jpg'), 1500, 400, 30); // 3.75:1, outside 1:2.5..2.5:1
    await jpeg(join(wide, 'thumb.jpg'), 240, 180, 90); // under 300 px
    await jpeg(join(library, 'cat.jpg'), 500, 500, 140);
    await jpeg(join(library, 'cat-side.jpg'), 1200, 400, 180); // 3:1, fitted too
    strict = await startSimulator({ clock, generationMs: () => 10_000, upstreamImageLimits: true });
  });
  afterAll(() => strict.close());

  it('--fit refuse names each image outside the limits and sends nothing', async () => {
    const run = await cli(
      ['run', wide, '-t', '{name}', '--fit', 'refuse', '--yes', '--db', join(work.path, 'refuse.sqlite')],
      strictEnv(),
    );
    // Nothing left to send: the usage exit code, with each refusal listed.
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(
      /pano\.jpg: .*3\.75:1 \(1500x400\) is outside what Kling 3\.0 Standard accepts/,
    );
    expect(run.stdout).toMatch(/thumb\.jpg: .*240x180 px and Kling 3\.0 Standard needs at least 300 px/);
    expect(strict.ledger.submits).toHaveLength(0);
  });

  it('--fit crop and --element: every request accepted and every generation succeeds', async () => {
    const out = join(work.path, 'out-fit');
    const run = await cli(
      [
        'run',
        wide,
        '-t',
        '@Element1 walks through {name}',
        '--fit',
        'crop',
        '--element',
        `${join(library, 'cat.jpg')},${join(library, 'cat-side.jpg')}`,
        '--yes',
        '--out',
        out,
        '--db',
        join(work.path, 'fit.sqlite'),
      ],
      strictEnv(),
    );
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Found 2 images: 2 to send, 0 refused/);
    expect(mp4s(out)).toEqual(['pano.mp4', 'thumb.mp4']);
    expect(strict.ledger.submits.map((s) => s.httpStatus)).toEqual([200, 200]);
    expect(strict.ledger.submits.map((s) => s.prompt).sort()).toEqual([
      '@Element1 walks through pano',
      '@Element1 walks through thumb',
    ]);
  });

  it('--element with a dangling @Element2 is refused before paying, naming the template', async () => {
    const before = strict.ledger.submits.length;
    const run = await cli(
      [
        'run',
        wide,
        '-t',
        '@Element2 in {name}',
        '--element',
        join(library, 'cat.jpg'),
        '--yes',
        '--db',
        join(work.path, 'dangling.sqlite'),
      ],
      strictEnv(),
    );
    expect(run.code).toBe(2);
    expect(run.stdout).toContain(
      'The prompt template for pano.jpg uses @Element2 but only @Element1 is defined; add the element or change the reference',
    );
    expect(strict.ledger.submits.length).toBe(before);
  });
});
