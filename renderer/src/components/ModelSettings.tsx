// Settings → Models: entry files in the models folder that could not be used (and why), and
// Add a model (AddModelDialog), for a RunComfy model the app does not list yet.
import { useState } from 'react';
import { api } from '../api';
import { useI18n } from '../i18n';
import { useAnswer } from '../lib/use-answer';
import { AddModelDialog } from './AddModelDialog';

export function ModelSettings() {
  const { t } = useI18n();
  const [adding, setAdding] = useState(false);
  const problems = useAnswer(() => api().models.problems(), []) ?? [];
  return (
    <div className="settings-group">
      <p className="field-hint">{t('models.sectionHint')}</p>
      {problems.length > 0 && (
        <div className="field-error" role="alert" data-testid="model-problems">
          <p>{t('models.problemsTitle')}</p>
          <ul>
            {problems.map((p, i) => (
              <li key={i} className="mono">
                {[
                  p.file,
                  p.line !== null ? t('models.problemLine', { line: p.line }) : null,
                  p.field ? t('models.problemField', { field: p.field }) : null,
                ]
                  .filter(Boolean)
                  .join(', ')}
                : {p.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      <button type="button" className="button" data-testid="add-model" onClick={() => setAdding(true)}>
        {t('models.add')}
      </button>
      {adding && <AddModelDialog onClose={() => setAdding(false)} />}
    </div>
  );
}
