// What a new batch took over from the last one without being asked ("3 takes · cap $1.50"),
// said above the form while the draft still holds it, with one click back to the usual settings.
import type { BatchSettingsDto, ModelInfoDto } from '@common/contract';
import { useI18n, type I18n } from '../i18n';
import { settingsForModel } from '../lib/batch-rules';
import { formatUsd } from '../lib/format';
import { FALLBACK_SETTINGS } from '../lib/states';
import { useApp } from '../store/app-context';

type Carried = { key: keyof BatchSettingsDto; words: string };

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * The remembered settings that differ from the usual ones and that the draft still holds, each
 * in words. The prompt is left out: it is in plain sight in the form.
 */
function carriedOver(
  remembered: Partial<BatchSettingsDto>,
  draft: BatchSettingsDto,
  usual: BatchSettingsDto,
  models: readonly ModelInfoDto[],
  t: I18n['t'],
  locale: string,
): Carried[] {
  const words: { [K in keyof BatchSettingsDto]?: (v: NonNullable<BatchSettingsDto[K]>) => string } = {
    modelId: (v) => models.find((m) => m.id === v)?.displayName ?? v,
    duration: (v) => t('setup.summarySeconds', { seconds: v }),
    generateAudio: (v) => t(v ? 'setup.summaryAudio' : 'setup.summaryNoAudio'),
    takes: (v) => t('setup.summaryTakes', { count: v }),
    budgetUsd: (v) => t('setup.summaryCap', { cap: formatUsd(v, locale) }),
    concurrency: (v) => t('setup.summaryParallel', { count: v }),
    fit: (v) => t('setup.summaryFit', { mode: t(`fit.${v}`) }),
    cfgScale: (v) => t('carried.guidance', { value: v }),
    negativePrompt: () => t('carried.negative'),
    outputNameTemplate: (v) => t('carried.names', { template: v }),
    outputDir: (v) => t('carried.outputDir', { dir: v }),
    loop: () => t('carried.loop'),
    sidecars: () => t('carried.noSidecars'),
    modelInputs: () => t('carried.modelInputs'),
    elements: () => t('carried.elements'),
    shots: () => t('carried.shots'),
  };
  const found: Carried[] = [];
  for (const key of Object.keys(words) as (keyof BatchSettingsDto)[]) {
    const value = remembered[key];
    if (value === undefined || value === null || value === '' || same(value, usual[key])) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    if (!same(value, draft[key])) continue; // changed since: no longer carried over
    const say = words[key] as (v: unknown) => string;
    found.push({ key, words: say(value) });
  }
  return found;
}

export function CarriedOver({
  settings,
  shootFolder,
  onChange,
}: {
  settings: BatchSettingsDto;
  /** The usual output folder: the one beside these images. */
  shootFolder: string;
  onChange: (patch: Partial<BatchSettingsDto>) => void;
}) {
  const { t, locale } = useI18n();
  const { settings: app, models } = useApp();
  const usual: BatchSettingsDto = {
    ...FALLBACK_SETTINGS,
    modelId: models[0]?.id ?? '',
    outputDir: shootFolder,
  };
  const carried = carriedOver(app.defaults, settings, usual, models, t, locale);
  if (carried.length === 0) return null;
  const useUsual = () => {
    const patch: Partial<BatchSettingsDto> = {};
    for (const { key } of carried) Object.assign(patch, { [key]: usual[key] });
    const first = models[0];
    if (carried.some((c) => c.key === 'modelId') && first)
      Object.assign(patch, settingsForModel(first, { ...settings, ...patch }));
    onChange(patch);
  };
  return (
    <div className="carried-over" role="note" data-testid="carried-over">
      <p className="small">
        <strong>{t('carried.title')}</strong> {carried.map((c) => c.words).join(' · ')}
      </p>
      <button type="button" className="button button-small" onClick={useUsual}>
        {t('carried.useUsual')}
      </button>
    </div>
  );
}
