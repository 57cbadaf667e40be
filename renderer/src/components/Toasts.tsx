// Toasts: short confirmations and errors, announced to screen readers, dismissable. While a
// modal dialog is open they render inside it: under its backdrop they would be covered, inert
// and unannounced (a "Send test" in Settings confirms itself with a toast).
import { createPortal } from 'react-dom';
import { useI18n } from '../i18n';
import { useInnermostDialog } from '../store/open-dialogs';
import { dismissToast, useToasts } from '../store/toasts';
import './Toasts.css';

export function Toasts() {
  const toasts = useToasts();
  const { t } = useI18n();
  const host = useInnermostDialog();
  const region = (
    <div className="toasts" role="status" aria-live="polite">
      {toasts.map((toast) => (
        <div key={toast.id} className={`toast toast-${toast.tone}`}>
          <span>{toast.text}</span>
          <button
            type="button"
            className="icon-button"
            aria-label={t('common.dismiss')}
            onClick={() => dismissToast(toast.id)}
          >
            ×
          </button>
        </div>
      ))}
    </div>
  );
  return host ? createPortal(region, host) : region;
}
