// What holds a running batch's downloads back (the output folder unplugged or full, a save
// blocked or delayed, the network down):
// not a pause, the batch goes on by itself, so it informs: what happened (the title), what
// happens next and what the user may do (a sentence, and for the folder the button that saves
// the next videos elsewhere), and the specifics (which folder, the system's words) under Details.
// The words come from the reason catalogue (common/reasons.ts) in the reader's language.
import { useId } from 'react';
import type { BatchViewDto } from '@common/contract';
import { formatReason } from '@common/reasons';
import { useI18n } from '../i18n';
import { ChooseOutputFolderButton } from './ChooseOutputFolderButton';

/** Waits the app itself chose (its hours, its start time, fewer at once): the account is the body. */
const PLAIN_CONDITIONS = ['waiting_for_window', 'waiting_for_start', 'account_limit_lowered'] as const;
type PlainCondition = (typeof PLAIN_CONDITIONS)[number];
const isPlainCondition = (code: string): code is PlainCondition =>
  (PLAIN_CONDITIONS as readonly string[]).includes(code);

/** Conditions another output folder gets past: the folder away, its disk full, a save blocked. */
const FOLDER_CONDITIONS: readonly string[] = ['output_unavailable', 'disk_full', 'output_blocked'];

export function ConditionBanner({ batch, onChanged }: { batch: BatchViewDto; onChanged: () => void }) {
  const { t, language } = useI18n();
  const titleId = useId();
  const condition = batch.condition;
  if (!condition || batch.state === 'finished' || batch.state === 'cancelled') return null;
  const text = formatReason({ code: condition.code, params: condition.params }, language);
  return (
    <section className="banner banner-info" aria-labelledby={titleId} data-testid="condition-banner">
      <div className="banner-text">
        <h2 id={titleId}>{t(`condition.${condition.code}.title`)}</h2>
        {isPlainCondition(condition.code) ? (
          <p>{text}</p>
        ) : (
          <>
            <p>{t(`condition.${condition.code}.hint`)}</p>
            <details className="banner-details" data-testid="condition-details">
              <summary>{t('pause.details')}</summary>
              <p className="small">{text}</p>
            </details>
          </>
        )}
      </div>
      {FOLDER_CONDITIONS.includes(condition.code) && (
        <div className="banner-actions">
          <ChooseOutputFolderButton batch={batch} onChanged={onChanged} />
        </div>
      )}
    </section>
  );
}
