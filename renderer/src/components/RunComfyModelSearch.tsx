// Settings → Models → Add from RunComfy's own list: searched in every category, a model is added
// with one click, its schema and price from RunComfy. A model whose start-image
// field cannot be told from its schema asks for it (the dialog shows the candidates).
import { useEffect, useId, useState } from 'react';
import type { ResponseOf } from '@common/contract';
import { api, errorText } from '../api';
import { useI18n } from '../i18n';
import { formatUsd } from '../lib/format';
import './RunComfyModelSearch.css';

type Found = ResponseOf<'query:models.runcomfy'>;

/** Waits this long after the last keystroke before asking RunComfy. */
const TYPING_MS = 300;

export function RunComfyModelSearch({ onAdd, busy }: { onAdd: (id: string) => void; busy: boolean }) {
  const { t, locale } = useI18n();
  const id = useId();
  const [search, setSearch] = useState('');
  const [found, setFound] = useState<Found | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [searching, setSearching] = useState(false);

  useEffect(() => {
    const words = search.trim();
    if (words.length < 2) return;
    let current = true;
    const timer = setTimeout(() => {
      setSearching(true);
      api()
        .models.runcomfy({ search: words })
        .then((answer) => {
          if (!current) return;
          setFound(answer);
          setError(null);
        })
        .catch((e: unknown) => current && setError(errorText(e, t)))
        .finally(() => current && setSearching(false));
    }, TYPING_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [search, t]);

  // Fewer than two characters ask nothing: an earlier answer is not shown for them.
  const shown = search.trim().length >= 2 ? found : null;
  return (
    <div className="field runcomfy-search" data-testid="runcomfy-search">
      <label htmlFor={id}>{t('models.addSearchLabel')}</label>
      <input
        id={id}
        type="search"
        value={search}
        aria-describedby={`${id}-hint`}
        data-testid="runcomfy-search-input"
        onChange={(e) => setSearch(e.target.value)}
      />
      <p className="field-hint" id={`${id}-hint`}>
        {t('models.addSearchHint')}
      </p>
      <div role="status" className="small muted">
        {searching
          ? t('models.addSearching')
          : shown && shown.length === 0
            ? t('models.addNoResults', { search: search.trim() })
            : ''}
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {shown && shown.length > 0 && (
        <ul className="runcomfy-results" data-testid="runcomfy-results">
          {shown.map((m) => (
            <li key={m.id}>
              <span className="runcomfy-result-name">
                <strong>{m.displayName}</strong> <span className="mono small">{m.id}</span>
              </span>
              <span className="small muted">
                {[
                  m.categories.join(', '),
                  m.price
                    ? m.price.unit === 'second'
                      ? t('setup.pricePerSecond', { price: formatUsd(m.price.usd, locale, true) })
                      : t('models.pricePerVideoFlat', { price: formatUsd(m.price.usd, locale, true) })
                    : t('models.priceUnknown'),
                ]
                  .filter(Boolean)
                  .join(' · ')}
              </span>
              {m.inPicker ? (
                <span className="tag">{t('models.addInList')}</span>
              ) : (
                <button
                  type="button"
                  className="button button-small"
                  disabled={busy}
                  aria-label={t('models.addPickLabel', { model: m.displayName })}
                  onClick={() => onAdd(m.id)}
                >
                  {t('models.addPick')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
