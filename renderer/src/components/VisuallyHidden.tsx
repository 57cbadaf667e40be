// Text read by assistive tech and not shown: a control's label (the placeholder says the same on
// screen) and a list's keyboard hint (tied to the list with aria-describedby).
import type { ReactNode } from 'react';

export function HiddenLabel({ htmlFor, children }: { htmlFor: string; children: ReactNode }) {
  return (
    <label htmlFor={htmlFor} className="visually-hidden">
      {children}
    </label>
  );
}

export function HiddenHint({ id, children }: { id: string; children: ReactNode }) {
  return (
    <p id={id} className="visually-hidden">
      {children}
    </p>
  );
}
