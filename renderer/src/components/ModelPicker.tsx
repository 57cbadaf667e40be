// The model picker: every model of the catalog (RunComfy's, the shipped entries, the user's own),
// searchable, the recently used ones on top, then grouped by family with the known price first
// (lib/model-groups.ts); each card with its price for the batch's video length and a badge where
// what we know of it is still partial, so the user sees which models are guesses before paying.
// Above it, where the list comes from (CatalogSourceLine).
import { useId, useState } from 'react';
import type { BatchSettingsDto, ModelInfoDto } from '@common/contract';
import { useI18n, type I18n } from '../i18n';
import { formatUsd } from '../lib/format';
import { pickerGroups } from '../lib/model-groups';
import { CatalogSourceLine } from './CatalogSourceLine';
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

function ModelCard({
  model,
  settings,
  onPick,
}: {
  model: ModelInfoDto;
  settings: BatchSettingsDto;
  onPick: (id: string) => void;
}) {
  const { t, locale } = useI18n();
  const selected = settings.modelId === model.id;
  return (
    <label className={selected ? 'option-card model-option selected' : 'option-card model-option'}>
      <input
        type="radio"
        name="model"
        value={model.id}
        checked={selected}
        onChange={() => onPick(model.id)}
      />
      <span className="option-name">
        {model.displayName}
        {model.status === 'partly-known' && (
          <span className="tag tone-warn model-badge" title={t('models.partlyKnownHint')}>
            {t('models.partlyKnown')}
          </span>
        )}
        {model.origin === 'user' && (
          <span className="tag model-badge model-badge-user">{t('models.yourEntry')}</span>
        )}
      </span>
      <span
        className={
          model.price.per === 'unknown'
            ? 'option-hint model-price model-price-unknown'
            : 'option-hint model-price'
        }
      >
        {priceText(model, settings, t, locale)}
      </span>
    </label>
  );
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
  const { t } = useI18n();
  const id = useId();
  const [search, setSearch] = useState('');
  const groups = pickerGroups(models, search);
  return (
    <fieldset className="model-picker" data-testid="model-picker">
      <legend>{t('setup.model')}</legend>
      <CatalogSourceLine />
      <label htmlFor={`${id}-search`} className="visually-hidden">
        {t('models.search')}
      </label>
      <input
        id={`${id}-search`}
        type="search"
        className="model-search"
        placeholder={t('models.searchPlaceholder')}
        value={search}
        onChange={(e) => setSearch(e.target.value)}
        data-testid="model-search"
      />
      <div className="model-groups">
        {groups.length === 0 && (
          <p className="muted" role="status">
            {t('models.noMatch', { search: search.trim() })}
          </p>
        )}
        {groups.map((group, index) => (
          <div key={group.key} className="model-group" role="group" aria-labelledby={`${id}-g${index}`}>
            <h3 className="model-group-title" id={`${id}-g${index}`}>
              {group.recent ? t('models.recent') : t('models.groupOf', { family: group.key })}
            </h3>
            <div className="option-cards model-cards">
              {group.models.map((m) => (
                <ModelCard key={m.id} model={m} settings={settings} onPick={onPick} />
              ))}
            </div>
          </div>
        ))}
      </div>
    </fieldset>
  );
}
