// Where the review grid's cells go: rows of `columns` cells, and with takes (several videos of
// one image) one group per image, a header row naming it, then its takes. Items keep their
// index in the filtered list (queue order, where takes of an image sit next to each other), so
// the grid still loads them by index; the layout only says which row shows which indexes and
// where the arrow keys move.

/** One image's run of items in the filtered list, in order. */
export interface ItemGroup {
  relativePath: string;
  count: number;
}

export type GridRow =
  | { kind: 'header'; group: number; name: string; count: number }
  | { kind: 'cells'; start: number; count: number };

export interface GridLayout {
  rows: GridRow[];
  /** The indexes in `rows` of the cell rows, in order. */
  cellRows: number[];
  total: number;
}

function withCellRows(rows: GridRow[], total: number): GridLayout {
  const cellRows: number[] = [];
  rows.forEach((row, index) => row.kind === 'cells' && cellRows.push(index));
  return { rows, cellRows, total };
}

/** Rows of `columns` cells over `total` items, no headers. */
export function flatLayout(total: number, columns: number): GridLayout {
  const rows: GridRow[] = [];
  for (let start = 0; start < total; start += columns)
    rows.push({ kind: 'cells', start, count: Math.min(columns, total - start) });
  return withCellRows(rows, total);
}

/** A header row per image, then its items in rows of `columns`. */
export function groupedLayout(groups: readonly ItemGroup[], columns: number): GridLayout {
  const rows: GridRow[] = [];
  let start = 0;
  groups.forEach((group, index) => {
    rows.push({ kind: 'header', group: index, name: group.relativePath, count: group.count });
    for (let offset = 0; offset < group.count; offset += columns)
      rows.push({ kind: 'cells', start: start + offset, count: Math.min(columns, group.count - offset) });
    start += group.count;
  });
  return withCellRows(rows, start);
}

/** The row that shows item `index`, or -1 (binary search over the cell rows' starts). */
export function rowOfIndex(layout: GridLayout, index: number): number {
  const { rows, cellRows } = layout;
  let low = 0;
  let high = cellRows.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const row = rows[cellRows[middle]!] as { start: number };
    if (row.start <= index) {
      found = cellRows[middle]!;
      low = middle + 1;
    } else high = middle - 1;
  }
  return found;
}

/** The first and last index the rows `from`..`to` (inclusive) show; null when none. */
export function indexRange(layout: GridLayout, from: number, to: number): [number, number] | null {
  let first: number | null = null;
  let last: number | null = null;
  for (let i = Math.max(0, from); i <= Math.min(to, layout.rows.length - 1); i++) {
    const row = layout.rows[i]!;
    if (row.kind !== 'cells') continue;
    first ??= row.start;
    last = row.start + row.count - 1;
  }
  return first === null || last === null ? null : [first, last];
}

/** Where the arrow keys (and Home / End) move the focus from item `index`, or null for other keys. */
export function layoutTarget(key: string, index: number, layout: GridLayout): number | null {
  const last = layout.total - 1;
  switch (key) {
    case 'ArrowRight':
      return Math.min(last, index + 1);
    case 'ArrowLeft':
      return Math.max(0, index - 1);
    case 'Home':
      return 0;
    case 'End':
      return last;
    case 'ArrowDown':
    case 'ArrowUp': {
      const step = key === 'ArrowDown' ? 1 : -1;
      const here = rowOfIndex(layout, index);
      if (here < 0) return index;
      const column = index - (layout.rows[here] as { start: number }).start;
      for (let r = here + step; r >= 0 && r < layout.rows.length; r += step) {
        const row = layout.rows[r]!;
        if (row.kind === 'cells') return row.start + Math.min(column, row.count - 1);
      }
      return index;
    }
    default:
      return null;
  }
}

/**
 * The indexes of the takes item `index` sits among (its image's run in `groups`), for the
 * full-screen review to show side by side; null without groups or past their end.
 */
export function takesAround(
  groups: readonly ItemGroup[] | null,
  index: number,
): { start: number; count: number } | null {
  if (!groups) return null;
  let start = 0;
  for (const group of groups) {
    if (index < start + group.count) return { start, count: group.count };
    start += group.count;
  }
  return null;
}
