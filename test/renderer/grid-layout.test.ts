// The review grid's layout (renderer/src/lib/grid-layout.ts), in Node: rows of cells, a header
// per image when there are takes, which row shows an item, and where the arrow keys go.
import { describe, expect, it } from 'vitest';
import {
  flatLayout,
  groupedLayout,
  indexRange,
  takesAround,
  layoutTarget,
  rowOfIndex,
} from '../../renderer/src/lib/grid-layout';

describe('flat layout', () => {
  it('puts `columns` items a row and moves like a grid', () => {
    const layout = flatLayout(7, 3);
    expect(layout.rows).toEqual([
      { kind: 'cells', start: 0, count: 3 },
      { kind: 'cells', start: 3, count: 3 },
      { kind: 'cells', start: 6, count: 1 },
    ]);
    expect([0, 2, 3, 6].map((i) => rowOfIndex(layout, i))).toEqual([0, 0, 1, 2]);
    expect(layoutTarget('ArrowDown', 1, layout)).toBe(4);
    // Down into a shorter last row lands on its last item; at the bottom it stays.
    expect(layoutTarget('ArrowDown', 5, layout)).toBe(6);
    expect(layoutTarget('ArrowDown', 6, layout)).toBe(6);
    expect(layoutTarget('ArrowUp', 4, layout)).toBe(1);
    expect(layoutTarget('ArrowUp', 1, layout)).toBe(1);
    expect(layoutTarget('ArrowRight', 6, layout)).toBe(6);
    expect(layoutTarget('ArrowLeft', 0, layout)).toBe(0);
    expect([layoutTarget('Home', 4, layout), layoutTarget('End', 1, layout)]).toEqual([0, 6]);
    expect(layoutTarget('k', 1, layout)).toBeNull();
    expect(flatLayout(0, 4).rows).toEqual([]);
  });
});

describe('grouped layout (takes)', () => {
  const layout = groupedLayout(
    [
      { relativePath: 'a.jpg', count: 3 },
      { relativePath: 'b.jpg', count: 1 },
      { relativePath: 'c.jpg', count: 5 },
    ],
    2,
  );

  it('gives each image a header row, then its takes in rows', () => {
    expect(layout.total).toBe(9);
    expect(layout.rows).toEqual([
      { kind: 'header', group: 0, name: 'a.jpg', count: 3 },
      { kind: 'cells', start: 0, count: 2 },
      { kind: 'cells', start: 2, count: 1 },
      { kind: 'header', group: 1, name: 'b.jpg', count: 1 },
      { kind: 'cells', start: 3, count: 1 },
      { kind: 'header', group: 2, name: 'c.jpg', count: 5 },
      { kind: 'cells', start: 4, count: 2 },
      { kind: 'cells', start: 6, count: 2 },
      { kind: 'cells', start: 8, count: 1 },
    ]);
    expect([0, 1, 2, 3, 4, 7, 8].map((i) => rowOfIndex(layout, i))).toEqual([1, 1, 2, 4, 6, 7, 8]);
    expect(indexRange(layout, 0, 3)).toEqual([0, 2]);
    expect(indexRange(layout, 0, 4)).toEqual([0, 3]);
    expect(indexRange(layout, 5, 6)).toEqual([4, 5]);
    expect(indexRange(layout, 5, 5)).toBeNull();
  });

  it('moves up and down across the headers, keeping the column where the row has one', () => {
    expect(layoutTarget('ArrowDown', 1, layout)).toBe(2);
    expect(layoutTarget('ArrowDown', 2, layout)).toBe(3);
    expect(layoutTarget('ArrowDown', 3, layout)).toBe(4);
    expect(layoutTarget('ArrowUp', 5, layout)).toBe(3);
    expect(layoutTarget('ArrowUp', 3, layout)).toBe(2);
    expect(layoutTarget('ArrowUp', 0, layout)).toBe(0);
    expect(layoutTarget('ArrowDown', 8, layout)).toBe(8);
    expect(layoutTarget('ArrowRight', 2, layout)).toBe(3);
  });
});

describe('takes around an item (the full-screen review shows them side by side)', () => {
  const groups = [
    { relativePath: 'a.jpg', count: 3 },
    { relativePath: 'b.jpg', count: 1 },
    { relativePath: 'c.jpg', count: 2 },
  ];
  it('is the run of the item’s image', () => {
    expect(takesAround(groups, 0)).toEqual({ start: 0, count: 3 });
    expect(takesAround(groups, 2)).toEqual({ start: 0, count: 3 });
    expect(takesAround(groups, 3)).toEqual({ start: 3, count: 1 });
    expect(takesAround(groups, 5)).toEqual({ start: 4, count: 2 });
  });
  it('is nothing without groups or past their end', () => {
    expect(takesAround(null, 0)).toBeNull();
    expect(takesAround(groups, 6)).toBeNull();
  });
});
