// The batch form's "When" part: a start time and daily hours of local time (taken from Settings →
// Queue's defaults, changeable per batch), and whether the batch keeps watching its dropped
// folders for new images. Main resolves the times when the batch is made.
import { useI18n } from '../i18n';
import { clockTimeOrNull, windowInvalid as hoursWindowInvalid, windowOf } from '../lib/hours';
import { CheckboxField, Field } from './Field';
import { FormSection } from './FormSection';

/** The form's answer: times of day as HH:MM, empty when not given. */
export interface WhenDraft {
  startAt: string;
  from: string;
  to: string;
  watch: boolean;
}

export const ANY_TIME: WhenDraft = { startAt: '', from: '', to: '', watch: false };

/** Whether the window is half given, not a time, or starts where it ends. */
export function windowInvalid(when: WhenDraft): boolean {
  return hoursWindowInvalid(when.from, when.to);
}

/** The hours the batch is made with (null: any time, right away). */
export function hoursOf(when: WhenDraft): {
  startAt: string | null;
  window: { start: string; end: string } | null;
} | null {
  const startAt = clockTimeOrNull(when.startAt);
  const window = windowOf(when.from, when.to);
  return startAt === null && window === null ? null : { startAt, window };
}

interface Props {
  when: WhenDraft;
  onChange: (patch: Partial<WhenDraft>) => void;
}

export function WhenSection({ when, onChange }: Props) {
  const { t } = useI18n();
  const invalid = windowInvalid(when);
  const summary = [
    clockTimeOrNull(when.startAt) ? t('when.summaryStart', { time: when.startAt }) : null,
    when.from && when.to && !invalid ? t('when.summaryWindow', { from: when.from, to: when.to }) : null,
  ].filter(Boolean);
  if (summary.length === 0) summary.push(t('when.summaryNow'));
  if (when.watch) summary.push(t('when.summaryWatch'));

  return (
    <FormSection
      title={t('when.section')}
      summary={summary.join(' · ')}
      hasError={invalid}
      name="when"
      testId="section-when"
    >
      <div className="field-grid">
        <Field label={t('when.startAt')} hint={t('when.startAtHint')}>
          {(control) => (
            <input
              {...control}
              type="time"
              value={when.startAt}
              onChange={(e) => onChange({ startAt: e.target.value })}
              data-testid="when-start"
            />
          )}
        </Field>
        <Field
          label={t('when.window')}
          hint={t('when.windowHint')}
          error={invalid ? t('when.windowInvalid') : null}
        >
          {(control) => (
            <span className="input-row">
              <input
                {...control}
                type="time"
                value={when.from}
                onChange={(e) => onChange({ from: e.target.value })}
                data-testid="when-from"
              />
              <span aria-hidden="true">{t('when.windowAnd')}</span>
              <input
                type="time"
                value={when.to}
                aria-label={t('when.windowAnd')}
                aria-invalid={invalid || undefined}
                onChange={(e) => onChange({ to: e.target.value })}
                data-testid="when-to"
              />
            </span>
          )}
        </Field>
      </div>
      <CheckboxField
        label={t('when.watch')}
        hint={t('when.watchHint')}
        checked={when.watch}
        onChange={(watch) => onChange({ watch })}
        testId="when-watch"
      />
    </FormSection>
  );
}
