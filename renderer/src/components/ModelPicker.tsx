// The model picker: every model of the catalog (shipped and the user's own entries), each with
// its price for the batch's video length and a badge when what we know of it is partial, so the
// user sees which models are guesses before paying for one.
import type { BatchSettingsDto, ModelInfoDto } from '../../../preload/contract';
import { useI18n, type I18n } from '../i18n';
import { formatUsd } from '../lib/format';
import './ModelPicker.css';

/** "$0.084 per second · $0.42 per 5 s video", or "price unknown". */
export function priceText(
  model: ModelInfoDto,
  settings: Pick<BatchSettingsDto, 'generateAudio' | 'duration'>,
  t: I18n['t'],
  locale: string,
): string {
  const price = model.price;
  if (price.per === 'unknown') return t('models.priceUnknown');
  const audio = settings.generateAudio && model.roles.audio !== undefined;
  const unit = audio && price.withAudioUsd !== null ? price.withAudioUsd : price.usd;
  if (price.per === 'video') return t('models.pricePerVideoFlat', { price: formatUsd(unit, locale, true) });
  const seconds = Number.isFinite(settings.duration) ? settings.duration : 0;
  return `${t('setup.pricePerSecond', { price: formatUsd(unit, locale, true) })} · ${t(
    'setup.pricePerVideo',
    {
      price: formatUsd(unit * seconds, locale),
      seconds,
    },
  )}`;
}

export function ModelPicker({
  models,
  settings,
  onPick,
}: {
  models: readonly ModelInfoDto[];
  settings: BatchSettingsDto;
  onPick: (id: string) => void;
}) {
  const { t, locale } = useI18n();
  return (
    <fieldset className="option-cards model-picker" data-testid="model-picker">
      <legend>{t('setup.model')}</legend>
      {models.map((m) => (
        <label
          key={m.id}
          className={
            settings.modelId === m.id ? 'option-card model-option selected' : 'option-card model-option'
          }
        >
          <input
            type="radio"
            name="model"
            value={m.id}
            checked={settings.modelId === m.id}
            onChange={() => onPick(m.id)}
          />
          <span className="option-name">
            {m.displayName}
            {m.status === 'partly-known' && (
              <span className="tag tone-warn model-badge" title={t('models.partlyKnownHint')}>
                {t('models.partlyKnown')}
              </span>
            )}
            {m.origin === 'user' && (
              <span className="tag model-badge model-badge-user">{t('models.yourEntry')}</span>
            )}
          </span>
          <span
            className={
              m.price.per === 'unknown'
                ? 'option-hint model-price model-price-unknown'
                : 'option-hint model-price'
            }
          >
            {priceText(m, settings, t, locale)}
          </span>
        </label>
      ))}
    </fieldset>
  );
}
