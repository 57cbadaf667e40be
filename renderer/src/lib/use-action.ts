// The one way a button runs a call to main: busy while it runs (so its buttons can be disabled
// against a double click), `onDone` after it succeeds, and a failure shown as an error toast in
// the window's language instead of an unhandled rejection.
import { useCallback, useState } from 'react';
import { errorText } from '../api';
import { useI18n } from '../i18n';
import { showToast } from '../store/toasts';

export function useAction(onDone?: () => void): {
  busy: boolean;
  run: (action: () => Promise<unknown>) => Promise<void>;
} {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const run = useCallback(
    async (action: () => Promise<unknown>) => {
      setBusy(true);
      try {
        await action();
        onDone?.();
      } catch (error) {
        showToast(errorText(error, t), 'error');
      } finally {
        setBusy(false);
      }
    },
    [onDone, t],
  );
  return { busy, run };
}
