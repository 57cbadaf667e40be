// One batch: the header (counts, money, ETA, controls), a banner when the queue stopped and
// needs the user, and the live, virtualized item list.
import { useEffect, useState } from 'react';
import { useI18n } from '../i18n';
import { BatchStore, useBatch, useBatchError } from '../store/batch-store';
import { BatchAnnouncer } from './BatchAnnouncer';
import { BatchHeader } from './BatchHeader';
import { ConditionBanner } from './ConditionBanner';
import { ItemList } from './ItemList';
import { PauseBanner } from './PauseBanner';

export function BatchScreen({ batchId }: { batchId: number }) {
  const { t } = useI18n();
  const [store] = useState(() => new BatchStore(batchId));
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
  return (
    <div className="batch-screen">
      <BatchHeader batch={batch} onChanged={() => void store.refresh()} />
      <PauseBanner batch={batch} onChanged={() => void store.refresh()} />
      <ConditionBanner batch={batch} />
      <ItemList batch={batch} />
      <BatchAnnouncer batch={batch} />
    </div>
  );
}
