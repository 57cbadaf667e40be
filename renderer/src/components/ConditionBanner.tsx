// What holds a running batch's downloads back (the output folder unplugged, the network down):
// not a pause, nobody has to act, so it only informs. The words come from the reason catalogue
// (preload/reasons.ts) in the reader's language; main's English message is the fallback.
import { useId } from 'react';
import type { BatchViewDto } from '../../../preload/contract';
import { formatReason } from '../../../preload/reasons';
import { useI18n } from '../i18n';

export function ConditionBanner({ batch }: { batch: BatchViewDto }) {
  const { t, language } = useI18n();
  const titleId = useId();
  const condition = batch.condition;
  if (!condition || batch.state === 'finished' || batch.state === 'cancelled') return null;
  const text = formatReason({ code: condition.code, params: condition.params }, language);
  return (
    <section className="banner banner-info" aria-labelledby={titleId} data-testid="condition-banner">
      <div className="banner-text">
        <h2 id={titleId}>{t(`condition.${condition.code}.title`)}</h2>
        <p>{text}</p>
      </div>
    </section>
  );
}
