// Where the model list comes from, above the picker: RunComfy's catalog and when it was fetched,
// or offline its cached copy, or the built-in models, with why; and a Refresh button that
// fetches RunComfy's catalog again (a free request).
import { useState } from 'react';
import { api, errorText } from '../api';
import { useI18n } from '../i18n';
import { formatDateTime } from '../lib/format';
import { useAnswer } from '../lib/use-answer';
import { useApp } from '../store/app-context';
import { showToast } from '../store/toasts';

export function CatalogSourceLine() {
  const { t, locale } = useI18n();
  const { models, setModels } = useApp();
  const [refreshing, setRefreshing] = useState(false);
  // Asked again whenever the list changes (a fetch at start, a refresh, an added model).
  const listKey = models.map((m) => `${m.origin}${m.fetchedAt ?? ''}`).join();
  const source = useAnswer(() => api().models.source(), [models.length, listKey]);
  if (!source) return null;
  const time = source.fetchedAt !== null ? formatDateTime(source.fetchedAt, locale) : '';
  const text =
    source.kind === 'runcomfy'
      ? t('models.sourceRunComfy', { time })
      : source.kind === 'cache'
        ? t('models.sourceCache', { time })
        : t('models.sourceShipped');

  const refresh = async () => {
    setRefreshing(true);
    try {
      setModels((await api().models.refresh()).models);
    } catch (error) {
      showToast(errorText(error, t), 'error');
    } finally {
      setRefreshing(false);
    }
  };

  return (
    <p className="field-hint catalog-source" data-testid="catalog-source">
      <span>{text}</span>
      {source.why && (
        <span className="catalog-source-why"> {t('models.sourceWhy', { why: source.why })}</span>
      )}{' '}
      <button
        type="button"
        className="button button-small"
        disabled={refreshing}
        onClick={() => void refresh()}
      >
        {refreshing ? t('models.refreshing') : t('models.refresh')}
      </button>
    </p>
  );
}
