// An item's selection box in a row of the item list or a cell of the review grid: a checkbox
// out of the Tab order (the focused row or cell takes X instead), named by the text beside it.
import type { ReactNode } from 'react';

export function SelectBox({
  className,
  checked,
  onToggle,
  testId,
  children,
}: {
  className: string;
  checked: boolean;
  onToggle: () => void;
  testId: string;
  /** The box's name: shown, or read only (a visually hidden span). */
  children: ReactNode;
}) {
  return (
    <label className={className}>
      <input type="checkbox" tabIndex={-1} checked={checked} onChange={onToggle} data-testid={testId} />
      {children}
    </label>
  );
}
