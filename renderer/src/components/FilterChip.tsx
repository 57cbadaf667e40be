// A filter chip: one toggle of a row of filters above a list (the item list, the review grid).
import type { ReactNode } from 'react';
import './FilterChip.css';

export function FilterChip({
  pressed,
  onSelect,
  testId,
  children,
}: {
  pressed: boolean;
  onSelect: () => void;
  testId?: string;
  children: ReactNode;
}) {
  return (
    <button
      type="button"
      className="filter-chip"
      aria-pressed={pressed}
      onClick={onSelect}
      data-testid={testId}
    >
      {children}
    </button>
  );
}
