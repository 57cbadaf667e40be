// The batch form, in parts that fold to a line: the model and its price; the prompt template
// (always open) and negative prompt; the video (duration, takes, guidance, audio, the creative
// controls and the model's own fields); the output (folder, file names, sidecars, generating
// again); spending (budget cap, parallel generations); when (start time, hours, watching). Presets in its title row. A role field
// (duration, audio...) shows only when the model has it; the rules live in lib/batch-rules.ts.
import { useRef } from 'react';
import type { BatchSettingsDto, ElementCheckDto as ElementCheck } from '@common/contract';
import { api, errorText } from '../api';
import { useI18n } from '../i18n';
import { LIMITS, settingsForModel, type SettingsErrors } from '../lib/batch-rules';
import { formatUsd } from '../lib/format';
import { useApp, useModel } from '../store/app-context';
import { showToast } from '../store/toasts';
import { CheckboxField, Field, TextField } from './Field';
import { FormSection } from './FormSection';
import { ModelFields, validateModelInputs } from './ModelFields';
import { ModelPicker, priceText } from './ModelPicker';
import { PriceCeilingField } from './PriceCeilingField';
import { PresetManager, PresetRow } from './Presets';
import { CreativeControls, insertAtCaret } from './CreativeControls';
import { DurationField } from './DurationField';
import { NumberField } from './NumberField';
import { TemplateEditor } from './TemplateEditor';
import { WhenSection, type WhenDraft } from './WhenSection';

interface Props {
  settings: BatchSettingsDto;
  /** Merged into the latest draft (not into this render's copy: a dialog may answer later). */
  onChange: (patch: Partial<BatchSettingsDto>) => void;
  variables: readonly string[];
  /** How many of the scan's images have each variable some lack. */
  coverage: { counts: Readonly<Record<string, number>>; images: number };
  errors: SettingsErrors;
  serverProblems: readonly string[];
  force: boolean;
  onForceChange: (force: boolean) => void;
  showForce: boolean;
  elementChecks: { scanId: string; checks: Record<string, ElementCheck>; error: string | null };
  /** When it sends (start time, daily hours) and whether it keeps watching its folders. */
  when: WhenDraft;
  onWhenChange: (patch: Partial<WhenDraft>) => void;
}

export function BatchSetup({
  settings,
  onChange,
  variables,
  coverage,
  errors,
  serverProblems,
  force,
  onForceChange,
  showForce,
  elementChecks,
  when,
  onWhenChange,
}: Props) {
  const { t, locale } = useI18n();
  const { models } = useApp();
  const model = useModel(settings.modelId);
  const roles = model?.roles ?? {};
  const promptRef = useRef<HTMLTextAreaElement & HTMLInputElement>(null);
  /** Writes @ElementN at the prompt's caret (its end when it never had focus), then focuses it. */
  const insertElement = (n: number) =>
    insertAtCaret(promptRef.current, settings.promptTemplate, `@Element${n}`, (v) =>
      set('promptTemplate', v),
    );
  const set = <K extends keyof BatchSettingsDto>(key: K, value: BatchSettingsDto[K]) =>
    onChange({ [key]: value } as Partial<BatchSettingsDto>);
  /** A plain number setting's field: its value, limits and error; an unreadable entry is NaN. */
  const numberField = (key: 'cfgScale' | 'concurrency') => ({
    ...LIMITS[key],
    value: settings[key],
    onChange: (v: number | null) => set(key, v ?? Number.NaN),
    error: errors[key],
  });

  const pickOutputDir = async () => {
    try {
      const { path } = await api().dialog.pickOutputDir();
      if (path) set('outputDir', path);
    } catch (error) {
      showToast(errorText(error, t), 'error');
    }
  };

  const takes = settings.takes ?? 1;
  const videoSummary = [
    model?.duration === null ? null : t('setup.summarySeconds', { seconds: settings.duration }),
    roles.audio ? t(settings.generateAudio ? 'setup.summaryAudio' : 'setup.summaryNoAudio') : null,
    t('setup.summaryTakes', { count: takes }),
    t('setup.summaryFit', { mode: t(`fit.${settings.fit ?? 'crop'}`) }),
  ].filter(Boolean);
  const spendingSummary = [
    settings.budgetUsd !== null && Number.isFinite(settings.budgetUsd)
      ? t('setup.summaryCap', { cap: formatUsd(settings.budgetUsd, locale) })
      : t('setup.noBudget'),
    t('setup.summaryParallel', { count: settings.concurrency }),
  ];

  return (
    <section className="card batch-form" aria-labelledby="setup-title" data-testid="batch-form">
      <div className="card-title-row">
        <h2 id="setup-title">{t('setup.title')}</h2>
        <PresetRow settings={settings} onChange={onChange} />
      </div>

      <FormSection
        title={t('setup.model')}
        summary={model ? `${model.displayName} · ${priceText(model, settings, t, locale)}` : '—'}
        name="model"
        testId="section-model"
      >
        <ModelPicker
          models={models}
          settings={settings}
          onPick={(id) => {
            const picked = models.find((m) => m.id === id);
            if (picked) onChange(settingsForModel(picked, settings));
          }}
        />
        <PriceCeilingField model={model} settings={settings} onChange={onChange} />
      </FormSection>

      <div className="form-section-fixed">
        <TemplateEditor
          label={t('setup.prompt')}
          value={settings.promptTemplate}
          onChange={(v) => set('promptTemplate', v)}
          variables={variables}
          serverProblems={serverProblems}
          error={errors.elements}
          multiline
          testId="prompt-template"
          inputRef={promptRef}
          coverage={coverage}
        />
        {roles.negativePrompt && (
          <Field label={t('setup.negative')} error={errors.negativePrompt}>
            {(control) => (
              <textarea
                {...control}
                rows={2}
                value={settings.negativePrompt}
                onChange={(e) => set('negativePrompt', e.target.value)}
              />
            )}
          </Field>
        )}
      </div>

      <FormSection
        title={t('setup.sectionVideo')}
        summary={videoSummary.join(' · ')}
        hasError={
          !!(errors.duration || errors.cfgScale || errors.takes || errors.modelInputs || errors.shots)
        }
        name="video"
        testId="section-video"
      >
        <div className="field-grid">
          <DurationField
            model={model}
            value={settings.duration}
            error={errors.duration}
            onChange={(v) => set('duration', v)}
          />
          <NumberField
            label={t('setup.takes')}
            hint={t('setup.takesHint')}
            {...LIMITS.takes}
            value={takes}
            // One take is the batch as before takes existed: no field, same fingerprints.
            onChange={(v) => set('takes', v === 1 ? undefined : (v ?? Number.NaN))}
            error={errors.takes}
            testId="takes"
          />
          {roles.guidance && (
            <NumberField label={t('setup.cfg')} hint={t('setup.cfgHint')} {...numberField('cfgScale')} />
          )}
        </div>
        {roles.audio && (
          <CheckboxField
            label={t('setup.audio')}
            checked={settings.generateAudio}
            onChange={(checked) => set('generateAudio', checked)}
          />
        )}
        <CreativeControls
          settings={settings}
          onChange={onChange}
          elementChecks={elementChecks}
          onInsertElement={insertElement}
        />
        {model && (
          <ModelFields
            model={model}
            inputs={settings.modelInputs ?? {}}
            errors={validateModelInputs(model, settings.modelInputs ?? {}, t)}
            onChange={(inputs) => set('modelInputs', Object.keys(inputs).length > 0 ? inputs : undefined)}
          />
        )}
      </FormSection>

      <FormSection
        title={t('setup.sectionOutput')}
        summary={`${settings.outputDir || t('setup.noOutputDir')} · ${settings.outputNameTemplate}`}
        hasError={!!(errors.outputDir || errors.outputNameTemplate)}
        name="output"
        testId="section-output"
      >
        <TextField
          label={t('setup.outputDir')}
          error={errors.outputDir}
          value={settings.outputDir}
          placeholder={t('setup.outputDirPlaceholder')}
          onChange={(v) => set('outputDir', v)}
          mono
          testId="output-dir"
          beside={
            <button type="button" className="button" onClick={pickOutputDir}>
              {t('setup.choose')}
            </button>
          }
        />
        <TemplateEditor
          label={t('setup.outputName')}
          value={settings.outputNameTemplate}
          onChange={(v) => set('outputNameTemplate', v)}
          variables={variables}
          // Parse problems show as they are found; an empty template has none, so say it here.
          error={settings.outputNameTemplate.trim() ? undefined : errors.outputNameTemplate}
          testId="output-name"
          coverage={coverage}
        />
        <Field label={t('setup.sidecars')} hint={t('setup.sidecarsHint')} inline>
          {(c) => (
            <input
              {...c}
              type="checkbox"
              checked={settings.sidecars !== false}
              onChange={(e) => set('sidecars', e.target.checked ? undefined : false)}
              data-testid="sidecars"
            />
          )}
        </Field>
        {showForce && (
          <Field label={t('setup.force')} inline>
            {(control) => (
              <input
                {...control}
                type="checkbox"
                checked={force}
                onChange={(e) => onForceChange(e.target.checked)}
                data-testid="force"
              />
            )}
          </Field>
        )}
      </FormSection>

      <FormSection
        title={t('setup.sectionSpending')}
        summary={spendingSummary.join(' · ')}
        hasError={!!(errors.budgetUsd || errors.concurrency)}
        name="spending"
        testId="section-spending"
      >
        <div className="field-grid">
          <NumberField
            label={t('setup.budget')}
            value={settings.budgetUsd}
            onChange={(v) => set('budgetUsd', v)}
            min={0}
            step={0.01}
            allowEmpty
            placeholder={t('setup.noBudget')}
            suffix="USD"
            error={errors.budgetUsd}
            testId="budget"
          />
          <NumberField
            label={t('setup.concurrency')}
            hint={t('setup.concurrencyHint')}
            {...numberField('concurrency')}
          />
        </div>
      </FormSection>

      <WhenSection when={when} onChange={onWhenChange} />

      <PresetManager />
    </section>
  );
}
