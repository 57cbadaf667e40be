// Toasts: short confirmations and errors, announced to screen readers, dismissable.
import { useI18n } from '../i18n';
import { dismissToast, useToasts } from '../store/toasts';
import './Toasts.css';

export function Toasts() {
  const toasts = useToasts();
  const { t } = useI18n();
  return (
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
}
