// Where a virtualized list or grid draws one of its rows: across its body, at the offset the
// virtualizer measured (the body is the positioned box of the roving-focus hook's bodyProps).
import type { CSSProperties } from 'react';

export function rowPlace(start: number): CSSProperties {
  return { position: 'absolute', top: 0, left: 0, right: 0, transform: `translateY(${start}px)` };
}
