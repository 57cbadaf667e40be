// "Use your RunComfy key" as a dialog, from wherever the way to real videos is offered (the
// start bar in simulated mode, a batch waiting for a key): the same form as on first launch.
import { useI18n } from '../i18n';
import { ApiKeyForm } from './ApiKeyForm';
import { Dialog } from './Dialog';

export function KeyDialog({ onClose }: { onClose: () => void }) {
  const { t } = useI18n();
  return (
    <Dialog title={t('start.useKeyTitle')} onClose={onClose} testId="key-dialog">
      <p className="muted">{t('start.useKeyText')}</p>
      <ApiKeyForm autoFocus onSaved={onClose} />
    </Dialog>
  );
}
