// Text files in a dropped folder are read within limits, and refused in words that name the
// file and the limit: a prompts.csv shaped to cost columns x rows (a wide header over many short
// rows used to hold the main process for seconds and fill the heap), and a caption file that is
// huge (it used to be read whole before its size was checked).
import { open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIntake } from '../../../../main/core/intake';
import { parsePromptsCsv } from '../../../../main/core/intake/prompts-csv';
import { makeTempDir, writeJpeg } from './fixtures';

let dir: string;
let cleanup: () => Promise<void>;
const intake = createIntake({ findDone: () => null });

beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir('sm-limits-'));
});
afterAll(() => cleanup());

/** `count` distinct short column names. */
const columnNames = (count: number) => Array.from({ length: count }, (_, i) => i.toString(36));

describe('prompts.csv limits', () => {
  it('refuses a wide header over many short rows by its cells, naming the file and the limit', async () => {
    const text = `${columnNames(199).join(',')},file\n${'x\n'.repeat(20_000)}`;
    const parsed = await parsePromptsCsv(text, 'sub/prompts.csv');
    expect(parsed.rows).toEqual([]);
    expect(parsed.problems).toEqual([
      expect.objectContaining({ code: 'csv_too_many_cells', file: 'sub/prompts.csv' }),
    ]);
    expect(parsed.problems[0]!.message).toMatch(
      /^sub\/prompts\.csv has more than 2,000,000 cells \(200 columns by \d+\+ rows\)/,
    );
  });

  it('refuses a header of thousands of columns', async () => {
    const text = `file,${columnNames(40_000).join(',')}\n${'x\n'.repeat(40_000)}`;
    const parsed = await parsePromptsCsv(text, 'prompts.csv');
    expect(parsed.problems.map((p) => [p.code, p.message])).toEqual([
      [
        'csv_too_many_columns',
        'prompts.csv has 40001 columns; prompts.csv files with up to 200 columns are read. Remove the columns the batch does not use',
      ],
    ]);
  });

  it('refuses more than 100,000 rows', async () => {
    const parsed = await parsePromptsCsv(`file\n${'a.jpg\n'.repeat(100_001)}`, 'prompts.csv');
    expect(parsed.problems.map((p) => [p.code, p.message])).toEqual([
      [
        'csv_too_many_rows',
        'prompts.csv has more than 100,000 rows; that many are read at most. Split it into prompts.csv files in subfolders',
      ],
    ]);
  });

  it('still reads a large ordinary prompts.csv, and a short row keeps its columns empty', async () => {
    const rows = Array.from({ length: 10_000 }, (_, i) => `img${i}.jpg,calm,${'a slow pan '.repeat(5)}`);
    const parsed = await parsePromptsCsv(`file,mood,prompt\n${rows.join('\n')}\nshort.jpg\n`, 'prompts.csv');
    expect(parsed.problems).toEqual([]);
    expect(parsed.rows).toHaveLength(10_001);
    expect(parsed.rows.at(-1)!.values).toEqual({ file: 'short.jpg', mood: '', prompt: '' });
  });

  it('refuses a file over 10 MiB by its size', async () => {
    const root = join(dir, 'big-csv');
    await writeJpeg(join(root, 'a.jpg'));
    await writeFile(join(root, 'prompts.csv'), `file,prompt\n${'a.jpg,x\n'.repeat(1_400_000)}`);
    const scan = await intake.scan([root]);
    expect(scan.problems.map((p) => [p.code, p.message])).toEqual([
      [
        'csv_too_large',
        'prompts.csv is 10.7 MiB; prompts.csv files up to 10 MiB are read. Split it into prompts.csv files in subfolders',
      ],
    ]);
  });
});

describe('caption limits', () => {
  it('refuses a caption file of gigabytes by its size, without reading it', async () => {
    const root = join(dir, 'big-caption');
    await writeJpeg(join(root, 'photo.jpg'));
    // Sparse: 3 GiB long, no disk used. Read whole, it would not even fit in a Buffer.
    const handle = await open(join(root, 'photo.txt'), 'w');
    await handle.truncate(3 * 1024 ** 3);
    await handle.close();
    const scan = await intake.scan([root]);
    expect(scan.problems.map((p) => [p.code, p.message])).toEqual([
      ['caption_too_large', 'photo.txt is 3221225472 bytes; a caption file is read up to 1 MiB. Shorten it'],
    ]);
    expect(scan.images[0]!.caption).toBeNull();
  });
});
