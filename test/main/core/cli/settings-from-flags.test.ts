// settingsFromFlags: flags become BatchSettings; every bad value is refused with the flag, the
// value, what fits and an example, because that sentence is all a user at a terminal sees.
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../../main/core/domain';
import { createCatalog } from '../../../../main/core/catalog';
import {
  endSuffixesFromFlag,
  settingsFromFlags,
  UsageError,
  type RunFlags,
} from '../../../../main/core/cli/settings-from-flags';

const context = {
  cwd: '/home/ana/shoot',
  defaultOutputDir: '/home/ana/Videos/Stillmotion',
  catalog: createCatalog(),
};
const parse = (flags: RunFlags) => settingsFromFlags(flags, context);
const refusal = (flags: RunFlags): string => {
  try {
    parse(flags);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(flags)} to be refused`);
};

describe('settingsFromFlags', () => {
  it('keeps the defaults when no flag is given, with the default output folder', () => {
    expect(parse({})).toEqual({ ...DEFAULT_SETTINGS, outputDir: '/home/ana/Videos/Stillmotion' });
  });

  it('turns every flag into its setting; relative output folders resolve against the cwd', () => {
    expect(
      parse({
        template: 'A pan over {name}',
        model: 'pro',
        duration: '8',
        audio: true,
        negative: 'blur',
        cfg: '0.7',
        out: 'videos',
        name: '{folder}-{name}.mp4',
        parallel: '5',
        budget: '$25',
        urlPrefix: 'https://cdn.example.com/shoot/',
      }),
    ).toEqual({
      modelId: 'kling/kling-3.0/pro/image-to-video',
      promptTemplate: 'A pan over {name}',
      negativePrompt: 'blur',
      duration: 8,
      generateAudio: true,
      cfgScale: 0.7,
      outputDir: '/home/ana/shoot/videos',
      outputNameTemplate: '{folder}-{name}.mp4',
      concurrency: 5,
      budgetUsd: 25,
      urlPrefix: 'https://cdn.example.com/shoot',
    });
    expect(parse({ model: 'kling/kling-3.0/standard/image-to-video', out: '/abs' })).toMatchObject({
      modelId: 'kling/kling-3.0/standard/image-to-video',
      outputDir: '/abs',
    });
  });

  it('names the flag, the value and the range for numbers out of range or not whole', () => {
    expect(refusal({ duration: '20' })).toBe(
      '--duration must be a whole number from 3 to 15 seconds for Kling 3.0 Standard, got "20".',
    );
    expect(refusal({ duration: '5.5' })).toBe(
      '--duration must be a whole number from 3 to 15 seconds for Kling 3.0 Standard, got "5.5".',
    );
    expect(refusal({ duration: 'ten' })).toBe(
      '--duration must be a whole number from 3 to 15 seconds for Kling 3.0 Standard, got "ten".',
    );
    expect(refusal({ parallel: '0' })).toBe(
      '--parallel must be a whole number from 1 to 20 generations, got "0".',
    );
    expect(refusal({ cfg: '1.5' })).toBe('--cfg must be a number from 0 to 1, e.g. 0.5, got "1.5".');
    expect(refusal({ cfg: '' })).toBe('--cfg must be a number from 0 to 1, e.g. 0.5, got "".');
    expect(refusal({ budget: '0' })).toBe(
      '--budget must be an amount in US dollars above 0, e.g. 25, got "0".',
    );
    expect(refusal({ budget: 'lots' })).toBe(
      '--budget must be an amount in US dollars above 0, e.g. 25, got "lots".',
    );
  });

  it('says how to write a template when it is empty or blank', () => {
    for (const template of ['', '   '])
      expect(refusal({ template })).toBe(
        '--template is empty: write the prompt for every image, e.g. --template "A slow pan over {name}".',
      );
  });

  it('lists the models it knows (ids and aliases) when the model is unknown', () => {
    const message = refusal({ model: 'ultra' });
    expect(message).toMatch(
      /^--model "ultra" is not a model this app knows\. Use a model id or alias from this list/,
    );
    expect(message).toContain(
      '\n  kling/kling-3.0/standard/image-to-video (standard, std, kling-3-standard)\n',
    );
    expect(message).toContain('\n  wan-ai/wan-2-5/image-to-video (wan-2.5, wan)\n');
  });

  it('takes a model by alias and checks --duration against that model', () => {
    expect(parse({ model: 'wan', duration: '10' })).toMatchObject({
      modelId: 'wan-ai/wan-2-5/image-to-video',
      duration: 10,
    });
    expect(refusal({ model: 'wan', duration: '7' })).toBe(
      '--duration must be 5 or 10 seconds for Wan 2.5, got "7".',
    );
    expect(refusal({ model: 'veo-3', duration: '8' })).toMatch(
      /^--duration: Veo 3 has no duration field the app knows/,
    );
  });

  it('reads --set field=value as JSON where it can, else as text', () => {
    expect(
      parse({
        model: 'wan',
        set: ['resolution=720P', 'seed=42', 'prompt_extend=true', 'label="5"', 'tags=["a","b"]'],
      }).modelInputs,
    ).toEqual({ resolution: '720P', seed: 42, prompt_extend: true, label: '5', tags: ['a', 'b'] });
    expect(parse({}).modelInputs).toBeUndefined();
    expect(refusal({ set: ['=5'] })).toMatch(/^--set must be field=value .* got "=5"\.$/);
    expect(refusal({ set: ['resolution'] })).toMatch(/got "resolution"\.$/);
  });

  it('wants a public https URL prefix, with an example', () => {
    for (const urlPrefix of ['http://cdn.example.com/x', 'cdn.example.com', 'file:///tmp'])
      expect(refusal({ urlPrefix })).toBe(
        `--url-prefix must be a public https URL where your images are hosted, e.g. https://cdn.example.com/shoot, got "${urlPrefix}".`,
      );
  });
});

describe('--takes', () => {
  it('sets the videos per image; one take leaves the settings as before takes existed', () => {
    expect(parse({ takes: '3' }).takes).toBe(3);
    expect(parse({ takes: '10' }).takes).toBe(10);
    expect('takes' in parse({ takes: '1' })).toBe(false);
  });

  it.each(['0', '11', '2.5', 'three', ''])(
    'refuses --takes "%s" with the flag, the value and the range',
    (takes) => {
      expect(refusal({ takes })).toBe(
        `--takes must be a whole number from 1 to 10 videos per image, got "${takes}".`,
      );
    },
  );
});

describe('--loop and --end-suffix', () => {
  it('--loop turns loop on; without it the settings have no loop', () => {
    expect(parse({ loop: true }).loop).toBe(true);
    expect('loop' in parse({})).toBe(false);
  });

  it('--end-suffix adds to ".end" and "_end", and refuses a path or nothing, with an example', () => {
    expect(endSuffixesFromFlag(undefined)).toEqual(['.end', '_end']);
    expect(endSuffixesFromFlag('-last')).toEqual(['.end', '_end', '-last']);
    expect(() => endSuffixesFromFlag('a/b')).toThrow(
      '--end-suffix must be the end of a file name before its extension, e.g. --end-suffix -last for shot-last.jpg, ' +
        'without / or \\ and at most 50 characters, got "a/b".',
    );
    expect(() => endSuffixesFromFlag(' ')).toThrow(UsageError);
  });
});

describe('--shots', () => {
  it('reads the shots, and says how to write one it cannot read', () => {
    expect(parse({ shots: '4s: wide on {name} | 6s: close', duration: '10' }).shots).toEqual([
      { duration: 4, prompt: 'wide on {name}' },
      { duration: 6, prompt: 'close' },
    ]);
    expect(refusal({ shots: 'a | b' })).toMatch(/^--shots: shot 1 "a" must be "<seconds>s: <prompt>"/);
  });
});

describe('--fit and --element', () => {
  it('--fit sets the fit mode; without it the settings have none (crop)', () => {
    expect(parse({ fit: 'pad' }).fit).toBe('pad');
    expect(parse({ fit: 'refuse' }).fit).toBe('refuse');
    expect('fit' in parse({})).toBe(false);
  });

  it('refuses an unknown --fit with the value and the choices', () => {
    expect(refusal({ fit: 'stretch' })).toMatch(/^--fit must be crop, pad, refuse .*got "stretch"\.$/);
  });

  it('--element is a frontal image then references, relative to the working folder, repeatable', () => {
    expect(parse({ element: ['cat.jpg,side.jpg, /lib/back.jpg', 'dog.jpg'] }).elements).toEqual([
      { frontal: '/home/ana/shoot/cat.jpg', references: ['/home/ana/shoot/side.jpg', '/lib/back.jpg'] },
      { frontal: '/home/ana/shoot/dog.jpg', references: [] },
    ]);
    expect(refusal({ element: ['a.jpg,,b.jpg'] })).toMatch(/element 1 is "a\.jpg,,b\.jpg".*empty name/);
  });

  it('a re-run keeps the stored fit and elements unless the flags say otherwise', () => {
    const stored = { fit: 'pad' as const, elements: [{ frontal: '/x/cat.jpg', references: [] }] };
    const again = settingsFromFlags({}, { ...context, defaults: stored });
    expect([again.fit, again.elements]).toEqual([stored.fit, stored.elements]);
    expect(settingsFromFlags({ fit: 'refuse' }, { ...context, defaults: stored }).fit).toBe('refuse');
  });
});
