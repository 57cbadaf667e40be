// The batch form: model and price, prompt template, negative prompt, duration, audio,
// guidance, the model's own fields, output folder and file names, parallel generations, budget
// cap; plus presets (Presets.tsx). A role field (duration, audio...) shows only when the model has it.
import { useId, useRef } from 'react';
import type {
  BatchSettingsDto,
  ElementCheckDto as ElementCheck,
  ModelInfoDto,
} from '../../../preload/contract';
import { api, errorText } from '../api';
import { useI18n, type I18n } from '../i18n';
import { parseTemplate } from '../lib/template';
import { useApp, useModel } from '../store/app-context';
import { showToast } from '../store/toasts';
import { CheckboxField, Field, TextField } from './Field';
import { ModelFields, validateModelInputs } from './ModelFields';
import { ModelPicker } from './ModelPicker';
import { PriceCeilingField } from './PriceCeilingField';
import { PresetManager, PresetRow } from './Presets';
import { CreativeControls, elementsError, insertAtCaret } from './CreativeControls';
import { shotsError } from './ShotEditor';
import { NumberField } from './NumberField';
import { TemplateEditor } from './TemplateEditor';

export type SettingsErrors = Partial<Record<keyof BatchSettingsDto, string>>;

/** The number settings' limits: what their fields offer and what validateSettings holds them to. */
const LIMITS = {
  cfgScale: { min: 0, max: 1, step: 0.05 },
  takes: { min: 1, max: 10, step: 1 },
  concurrency: { min: 1, max: 20, step: 1 },
} as const;

/** Within its limits; a whole number where the step is 1. NaN (text that is no number) is not. */
function within(value: number, { min, max, step }: { min: number; max: number; step: number }): boolean {
  return value >= min && value <= max && (step !== 1 || Number.isInteger(value));
}

function durationAllowed(model: ModelInfoDto | undefined, seconds: number): boolean {
  const rule = model ? model.duration : { min: 3, max: 15, values: null };
  if (!rule) return true; // the model's duration field is unknown: the duration is not sent
  if (!Number.isInteger(seconds)) return false;
  return rule.values ? rule.values.includes(seconds) : seconds >= rule.min && seconds <= rule.max;
}

/** The settings a newly picked model can take: its own fields cleared, roles it lacks off. */
export function settingsForModel(model: ModelInfoDto, s: BatchSettingsDto): Partial<BatchSettingsDto> {
  const patch: Partial<BatchSettingsDto> = { modelId: model.id, modelInputs: undefined };
  if (!model.roles.negativePrompt) patch.negativePrompt = '';
  if (!model.roles.audio) patch.generateAudio = false;
  if (!model.roles.endImage) patch.loop = undefined;
  if (!model.roles.multiShot) patch.shots = undefined;
  if (!model.elements) patch.elements = undefined;
  const rule = model.duration;
  if (rule && !durationAllowed(model, s.duration)) {
    const choices = rule.values ?? [
      Math.min(rule.max, Math.max(rule.min, Math.round(s.duration) || rule.min)),
    ];
    patch.duration = choices.reduce((best, c) =>
      Math.abs(c - s.duration) < Math.abs(best - s.duration) ? c : best,
    );
  }
  return patch;
}

export function validateSettings(
  s: BatchSettingsDto,
  model: ModelInfoDto | undefined,
  variables: readonly string[],
  t: I18n['t'],
): SettingsErrors {
  const errors: SettingsErrors = {};
  if (!durationAllowed(model, s.duration))
    errors.duration = model?.duration?.values
      ? t('setup.errDurationChoice', { values: model.duration.values.join(', ') })
      : t('setup.errDuration', { min: model?.duration?.min ?? 3, max: model?.duration?.max ?? 15 });
  if (model?.roles.guidance && !within(s.cfgScale, LIMITS.cfgScale)) errors.cfgScale = t('setup.errCfg');
  const fieldErrors = Object.values(validateModelInputs(model, s.modelInputs ?? {}, t));
  if (fieldErrors.length > 0) errors.modelInputs = fieldErrors[0];
  if (!within(s.concurrency, LIMITS.concurrency)) errors.concurrency = t('setup.errConcurrency');
  if (!within(s.takes ?? 1, LIMITS.takes)) errors.takes = t('setup.errTakes');
  if (s.budgetUsd !== null && !(s.budgetUsd > 0 && s.budgetUsd <= 1_000_000))
    errors.budgetUsd = t('setup.errBudget');
  const ceiling = s.perVideoCeilingUsd ?? null;
  if (ceiling !== null && !(ceiling > 0 && ceiling <= 10_000))
    errors.perVideoCeilingUsd = t('models.ceilingError');
  if (!s.outputDir.trim()) errors.outputDir = t('setup.errOutputDir');
  if (!s.outputNameTemplate.trim()) errors.outputNameTemplate = t('setup.errNameEmpty');
  else if (parseTemplate(s.outputNameTemplate, variables).problems.length > 0)
    errors.outputNameTemplate = t('setup.errNameTemplate');
  if (parseTemplate(s.promptTemplate, variables).problems.length > 0)
    errors.promptTemplate = t('setup.errTemplate');
  if (s.negativePrompt.length > 2500) errors.negativePrompt = t('setup.errNegative');
  const shots = shotsError(s, t);
  if (shots) errors.shots = shots;
  const elements = elementsError(s, model, t);
  if (elements) errors.elements = elements;
  return errors;
}

interface Props {
  settings: BatchSettingsDto;
  /** Merged into the latest draft (not into this render's copy: a dialog may answer later). */
  onChange: (patch: Partial<BatchSettingsDto>) => void;
  variables: readonly string[];
  errors: SettingsErrors;
  serverProblems: readonly string[];
  force: boolean;
  onForceChange: (force: boolean) => void;
  showForce: boolean;
  elementChecks: { scanId: string; checks: Record<string, ElementCheck>; error: string | null };
}

export function BatchSetup({
  settings,
  onChange,
  variables,
  errors,
  serverProblems,
  force,
  onForceChange,
  showForce,
  elementChecks,
}: Props) {
  const { t } = useI18n();
  const { models } = useApp();
  const ids = { dur: useId() };
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

  return (
    <section className="card" aria-labelledby="setup-title">
      <div className="card-title-row">
        <h2 id="setup-title">{t('setup.title')}</h2>
        <PresetRow settings={settings} onChange={onChange} />
      </div>

      <ModelPicker
        models={models}
        settings={settings}
        onPick={(id) => {
          const picked = models.find((m) => m.id === id);
          if (picked) onChange(settingsForModel(picked, settings));
        }}
      />
      <PriceCeilingField model={model} settings={settings} onChange={onChange} />

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

      <div className="field-grid">
        {model?.duration?.values ? (
          <div className="field">
            <label htmlFor={ids.dur}>{t('setup.duration')}</label>
            <select
              id={ids.dur}
              value={String(settings.duration)}
              data-testid="duration"
              aria-invalid={errors.duration ? true : undefined}
              aria-describedby={errors.duration ? `${ids.dur}-error` : undefined}
              onChange={(e) => set('duration', Number(e.target.value))}
            >
              {!model.duration.values.includes(settings.duration) && (
                <option value={String(settings.duration)}>—</option>
              )}
              {model.duration.values.map((v) => (
                <option key={v} value={String(v)}>
                  {v} {t('setup.secondsUnit')}
                </option>
              ))}
            </select>
            {errors.duration && (
              <p className="field-error" id={`${ids.dur}-error`}>
                {errors.duration}
              </p>
            )}
          </div>
        ) : (
          (model === undefined || model.duration) && (
            <NumberField
              label={t('setup.duration')}
              value={settings.duration}
              onChange={(v) => set('duration', v ?? Number.NaN)}
              min={model?.duration?.min ?? 3}
              max={model?.duration?.max ?? 15}
              step={1}
              suffix={t('setup.secondsUnit')}
              error={errors.duration}
              testId="duration"
            />
          )
        )}
        {roles.guidance && (
          <NumberField label={t('setup.cfg')} hint={t('setup.cfgHint')} {...numberField('cfgScale')} />
        )}
        <NumberField
          label={t('setup.takes')}
          hint={t('setup.takesHint')}
          {...LIMITS.takes}
          value={settings.takes ?? 1}
          // One take is the batch as before takes existed: no field, same fingerprints.
          onChange={(v) => set('takes', v === 1 ? undefined : (v ?? Number.NaN))}
          error={errors.takes}
          testId="takes"
        />
        <NumberField
          label={t('setup.concurrency')}
          hint={t('setup.concurrencyHint')}
          {...numberField('concurrency')}
        />
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
            />
          )}
        </Field>
      )}

      <PresetManager />
    </section>
  );
}
