// "Re-run with changes", on the new-batch screen: which batch this re-runs, what differs from
// it (the prompt old against new, then each other changed setting) and what the re-run costs,
// with the videos already generated left out unless "generate again" is on.
import type { BatchSettingsDto, PreviewDto } from '@common/contract';
import { useI18n, type MessageKey } from '../i18n';
import { formatCount } from '../lib/format';
import { useMoney } from '../lib/money';
import { useApp } from '../store/app-context';
import type { RerunOf } from '../store/scan-store';
import './RerunChanges.css';

/** Settings shown as changed besides the prompt, with their label. */
const COMPARED: readonly [keyof BatchSettingsDto, MessageKey][] = [
  ['modelId', 'rerun.field.model'],
  ['duration', 'rerun.field.duration'],
  ['negativePrompt', 'rerun.field.negative'],
  ['generateAudio', 'rerun.field.audio'],
  ['cfgScale', 'rerun.field.cfg'],
  ['takes', 'rerun.field.takes'],
  ['loop', 'rerun.field.loop'],
  ['outputDir', 'rerun.field.outputDir'],
  ['outputNameTemplate', 'rerun.field.outputName'],
  ['budgetUsd', 'rerun.field.budget'],
  ['modelInputs', 'rerun.field.modelInputs'],
];

export function RerunChanges({
  rerun,
  settings,
  preview,
}: {
  rerun: RerunOf;
  settings: BatchSettingsDto;
  preview: PreviewDto | null;
}) {
  const { t, locale } = useI18n();
  const { models } = useApp();
  const money = useMoney();
  const before = rerun.settings;
  const shown = (key: keyof BatchSettingsDto, value: unknown): string => {
    if (value === undefined || value === null || value === '') return t('rerun.none');
    if (key === 'modelId') return models.find((m) => m.id === value)?.displayName ?? String(value);
    if (key === 'budgetUsd') return money(Number(value));
    if (typeof value === 'boolean') return value ? t('rerun.on') : t('rerun.off');
    return typeof value === 'object' ? JSON.stringify(value) : String(value);
  };
  const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  const promptChanged = before.promptTemplate !== settings.promptTemplate;
  const changed = COMPARED.filter(([key]) => !same(before[key], settings[key]));

  return (
    <section className="rerun-changes" aria-labelledby="rerun-title" data-testid="rerun-changes">
      <h2 id="rerun-title">{t('rerun.title', { name: rerun.batchName })}</h2>
      <p className="muted">{t('rerun.images', { count: formatCount(rerun.sourcePaths.length, locale) })}</p>
      <dl className="rerun-diff">
        <div>
          <dt>{t('rerun.prompt')}</dt>
          <dd data-testid="rerun-prompt">
            {promptChanged ? (
              <>
                <del aria-label={t('rerun.was')}>{before.promptTemplate}</del>
                <ins aria-label={t('rerun.now')}>{settings.promptTemplate}</ins>
              </>
            ) : (
              <span className="muted">{t('rerun.unchanged', { value: settings.promptTemplate })}</span>
            )}
          </dd>
        </div>
        {changed.map(([key, label]) => (
          <div key={key}>
            <dt>{t(label)}</dt>
            <dd>
              <del aria-label={t('rerun.was')}>{shown(key, before[key])}</del>
              <ins aria-label={t('rerun.now')}>{shown(key, settings[key])}</ins>
            </dd>
          </div>
        ))}
      </dl>
      <p data-testid="rerun-cost" aria-live="polite">
        {preview
          ? preview.priceUnknown
            ? t('rerun.costUnknown', { count: formatCount(preview.toSend, locale) })
            : t('rerun.cost', {
                count: formatCount(preview.toSend, locale),
                cost: money(preview.estimatedCostUsd),
                skipped: formatCount(preview.skipped, locale),
              })
          : '…'}
      </p>
    </section>
  );
}
