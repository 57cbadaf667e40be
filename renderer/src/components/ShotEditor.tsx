// The shots of a multi-shot video (Kling 3.0's multi_prompt): a prompt template and a length
// per shot. The sum is shown live against the video's duration, and the error says in words
// what to change; main's planner checks the same rule again (intake/shots.ts).
import type { BatchSettingsDto } from '@common/contract';
import { useI18n, type I18n } from '../i18n';
import { CheckboxField, TextField } from './Field';
import { NumberField } from './NumberField';
import { ErrorAlert } from './ErrorAlert';
import './ShotEditor.css';

type Shot = NonNullable<BatchSettingsDto['shots']>[number];

const MAX_SHOTS = 6;

/** The words for shots that cannot be sent with this duration (or loop), else null. */
export function shotsError(s: BatchSettingsDto, t: I18n['t']): string | null {
  const shots = s.shots ?? [];
  if (shots.length === 0) return null;
  if (shots.some((shot) => !Number.isInteger(shot.duration) || shot.duration < 3 || shot.duration > 15))
    return t('shots.errShotLength');
  const sum = shots.reduce((total, shot) => total + shot.duration, 0);
  if (sum !== s.duration) return t('shots.errSum', { sum, duration: s.duration });
  if (shots.some((shot) => shot.prompt.trim() === '')) return t('shots.errEmpty');
  if (s.loop) return t('shots.errLoop');
  return null;
}

export function ShotEditor({
  settings,
  onChange,
}: {
  settings: BatchSettingsDto;
  onChange: (shots: Shot[] | undefined) => void;
}) {
  const { t } = useI18n();
  const shots = settings.shots ?? [];
  const sum = shots.reduce((total, shot) => total + (Number.isFinite(shot.duration) ? shot.duration : 0), 0);
  const error = shotsError(settings, t);
  const update = (index: number, patch: Partial<Shot>) =>
    onChange(shots.map((shot, i) => (i === index ? { ...shot, ...patch } : shot)));

  return (
    <fieldset className="shot-editor" data-testid="shot-editor">
      <legend>{t('shots.title')}</legend>
      <CheckboxField
        label={t('shots.enable')}
        hint={t('shots.hint')}
        testId="shots-on"
        checked={shots.length > 0}
        onChange={(checked) =>
          onChange(
            checked
              ? [
                  { prompt: settings.promptTemplate, duration: 3 },
                  { prompt: '', duration: Math.max(3, settings.duration - 3) },
                ]
              : undefined,
          )
        }
      />
      {shots.map((shot, i) => (
        <div className="shot-row" key={i} data-testid="shot-row">
          <TextField
            label={t('shots.prompt', { n: i + 1 })}
            value={shot.prompt}
            onChange={(prompt) => update(i, { prompt })}
          />
          <NumberField
            label={t('shots.length', { n: i + 1 })}
            value={shot.duration}
            onChange={(v) => update(i, { duration: v ?? Number.NaN })}
            min={3}
            max={15}
            step={1}
            suffix={t('setup.secondsUnit')}
          />
          <button
            type="button"
            className="button button-small"
            onClick={() => onChange(shots.length > 1 ? shots.filter((_, k) => k !== i) : undefined)}
            aria-label={t('shots.remove', { n: i + 1 })}
          >
            {t('common.delete')}
          </button>
        </div>
      ))}
      {shots.length > 0 && (
        <>
          <p className="field-hint" data-testid="shots-sum" aria-live="polite">
            {t('shots.sum', { sum, duration: settings.duration })}
          </p>
          <ErrorAlert error={error} testId="shots-error" />
          <button
            type="button"
            className="button button-small"
            disabled={shots.length >= MAX_SHOTS}
            onClick={() => onChange([...shots, { prompt: '', duration: 3 }])}
          >
            {t('shots.add')}
          </button>
        </>
      )}
    </fieldset>
  );
}
