// One batch: the header (counts, money, ETA, controls), a banner when the queue stopped and
// needs the user, and either the live, virtualized item list or the review grid of its videos.
import { useEffect, useState } from 'react';
import { useI18n } from '../i18n';
import { SimulatedMoney } from '../lib/money';
import { routeHash, type BatchView } from '../lib/route';
import { FILTERS } from '../lib/states';
import { BatchStore, useBatch, useBatchError } from '../store/batch-store';
import { BatchAnnouncer } from '../components/BatchAnnouncer';
import { BatchHeader } from '../components/BatchHeader';
import { ConditionBanner } from '../components/ConditionBanner';
import { ItemList } from '../components/ItemList';
import { PauseBanner } from '../components/PauseBanner';
import { WatchBanner } from '../components/WatchBanner';
import { ReviewGrid } from '../components/ReviewGrid';
import './BatchScreen.css';

export function BatchScreen({ batchId, view }: { batchId: number; view: BatchView }) {
  const { t } = useI18n();
  // The list's first page (all states, no search: how the list opens) is asked for at once.
  const [store] = useState(
    () => new BatchStore(batchId, view === 'items' ? { batchId, states: FILTERS.all, search: '' } : null),
  );
  useEffect(() => {
    store.start();
    return () => store.dispose();
  }, [store]);
  const batch = useBatch(store);
  const error = useBatchError(store);

  if (!batch) {
    return (
      <div className="boot" role="status">
        {error ? <p className="field-error">{error}</p> : <p>{t('common.loading')}</p>}
      </div>
    );
  }
  const refresh = () => void store.refresh();
  return (
    <SimulatedMoney.Provider value={batch.simulated}>
      <div className="batch-screen">
        <BatchHeader batch={batch} onChanged={refresh} />
        <PauseBanner batch={batch} onChanged={refresh} />
        <ConditionBanner batch={batch} onChanged={refresh} />
        <WatchBanner batch={batch} />
        <nav className="view-tabs" aria-label={t('review.viewsLabel')}>
          {(['items', 'review'] as const).map((key) => (
            <a
              key={key}
              href={routeHash({ screen: 'batch', batchId, view: key })}
              className="tab"
              aria-current={view === key ? 'page' : undefined}
              data-testid={`view-${key}`}
            >
              {t(`review.view.${key}`)}
            </a>
          ))}
        </nav>
        {view === 'review' ? (
          <ReviewGrid batch={batch} onChanged={refresh} />
        ) : (
          <ItemList batch={batch} onChanged={refresh} />
        )}
        <BatchAnnouncer batch={batch} />
      </div>
    </SimulatedMoney.Provider>
  );
}
