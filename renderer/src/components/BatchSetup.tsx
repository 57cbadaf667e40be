// The batch form: model and price, prompt template, negative prompt, duration, audio,
// guidance, output folder and file names, parallel generations, budget cap; plus presets.
import { useId, useState } from 'react';
import type { BatchSettingsDto, ModelInfoDto } from '../../../preload/contract';
import { api, errorText } from '../api';
import { useI18n, type I18n } from '../i18n';
import { formatUsd } from '../lib/format';
import { parseTemplate } from '../lib/template';
import { useApp } from '../store/app-context';
import { showToast } from '../store/toasts';
import { Dialog } from './Dialog';
import { Field } from './Field';
import { NumberField } from './NumberField';
import { TemplateEditor } from './TemplateEditor';

export type SettingsErrors = Partial<Record<keyof BatchSettingsDto, string>>;

export function validateSettings(
  s: BatchSettingsDto,
  model: ModelInfoDto | undefined,
  variables: readonly string[],
  t: I18n['t'],
): SettingsErrors {
  const errors: SettingsErrors = {};
  const minD = model?.minDuration ?? 3;
  const maxD = model?.maxDuration ?? 15;
  if (!Number.isInteger(s.duration) || s.duration < minD || s.duration > maxD)
    errors.duration = t('setup.errDuration', { min: minD, max: maxD });
  if (!(s.cfgScale >= 0 && s.cfgScale <= 1)) errors.cfgScale = t('setup.errCfg');
  if (!Number.isInteger(s.concurrency) || s.concurrency < 1 || s.concurrency > 20)
    errors.concurrency = t('setup.errConcurrency');
  if (s.budgetUsd !== null && !(s.budgetUsd > 0 && s.budgetUsd <= 1_000_000))
    errors.budgetUsd = t('setup.errBudget');
  if (!s.outputDir.trim()) errors.outputDir = t('setup.errOutputDir');
  if (!s.outputNameTemplate.trim()) errors.outputNameTemplate = t('setup.errNameEmpty');
  else if (parseTemplate(s.outputNameTemplate, variables).problems.length > 0)
    errors.outputNameTemplate = t('setup.errNameTemplate');
  if (parseTemplate(s.promptTemplate, variables).problems.length > 0)
    errors.promptTemplate = t('setup.errTemplate');
  if (s.negativePrompt.length > 2500) errors.negativePrompt = t('setup.errNegative');
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
}: Props) {
  const { t, locale } = useI18n();
  const { models, settings: app, setSettings } = useApp();
  const presetId = useId();
  const [savingPreset, setSavingPreset] = useState(false);
  const set = <K extends keyof BatchSettingsDto>(key: K, value: BatchSettingsDto[K]) =>
    onChange({ [key]: value } as Partial<BatchSettingsDto>);

  const pickOutputDir = async () => {
    try {
      const { path } = await api().dialog.pickOutputDir();
      if (path) set('outputDir', path);
    } catch (error) {
      showToast(errorText(error, t), 'error');
    }
  };

  const applyPreset = (name: string) => {
    const preset = app.presets.find((p) => p.name === name);
    if (preset) onChange(preset.settings);
  };

  const deletePreset = async (name: string) => {
    try {
      setSettings(await api().settings.deletePreset({ name }));
      showToast(t('setup.presetDeleted', { name }));
    } catch (error) {
      showToast(errorText(error, t), 'error');
    }
  };

  return (
    <section className="card" aria-labelledby="setup-title">
      <div className="card-title-row">
        <h2 id="setup-title">{t('setup.title')}</h2>
        <div className="preset-row">
          <label htmlFor={presetId} className="visually-hidden">
            {t('setup.presets')}
          </label>
          <select
            id={presetId}
            value=""
            onChange={(e) => applyPreset(e.target.value)}
            disabled={app.presets.length === 0}
          >
            <option value="">{app.presets.length ? t('setup.applyPreset') : t('setup.noPresets')}</option>
            {app.presets.map((p) => (
              <option key={p.name} value={p.name}>
                {p.name}
              </option>
            ))}
          </select>
          <button type="button" className="button" onClick={() => setSavingPreset(true)}>
            {t('setup.savePreset')}
          </button>
        </div>
      </div>

      <fieldset className="model-picker">
        <legend>{t('setup.model')}</legend>
        {models.map((m) => {
          const perSecond = settings.generateAudio ? m.usdPerSecond.withAudio : m.usdPerSecond.withoutAudio;
          return (
            <label
              key={m.id}
              className={settings.modelId === m.id ? 'model-option selected' : 'model-option'}
            >
              <input
                type="radio"
                name="model"
                value={m.id}
                checked={settings.modelId === m.id}
                onChange={() => set('modelId', m.id)}
              />
              <span className="model-name">{m.displayName}</span>
              <span className="model-price">
                {t('setup.pricePerSecond', { price: formatUsd(perSecond, locale, true) })} ·{' '}
                {t('setup.pricePerVideo', {
                  price: formatUsd(
                    perSecond * (Number.isFinite(settings.duration) ? settings.duration : 0),
                    locale,
                  ),
                  seconds: settings.duration,
                })}
              </span>
            </label>
          );
        })}
      </fieldset>

      <TemplateEditor
        label={t('setup.prompt')}
        value={settings.promptTemplate}
        onChange={(v) => set('promptTemplate', v)}
        variables={variables}
        serverProblems={serverProblems}
        multiline
        testId="prompt-template"
      />

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

      <div className="field-grid">
        <NumberField
          label={t('setup.duration')}
          value={settings.duration}
          onChange={(v) => set('duration', v ?? Number.NaN)}
          min={3}
          max={15}
          step={1}
          suffix={t('setup.secondsUnit')}
          error={errors.duration}
          testId="duration"
        />
        <NumberField
          label={t('setup.cfg')}
          value={settings.cfgScale}
          onChange={(v) => set('cfgScale', v ?? Number.NaN)}
          min={0}
          max={1}
          step={0.05}
          hint={t('setup.cfgHint')}
          error={errors.cfgScale}
        />
        <NumberField
          label={t('setup.concurrency')}
          value={settings.concurrency}
          onChange={(v) => set('concurrency', v ?? Number.NaN)}
          min={1}
          max={20}
          step={1}
          hint={t('setup.concurrencyHint')}
          error={errors.concurrency}
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

      <Field label={t('setup.audio')} inline>
        {(control) => (
          <input
            {...control}
            type="checkbox"
            checked={settings.generateAudio}
            onChange={(e) => set('generateAudio', e.target.checked)}
          />
        )}
      </Field>

      <Field label={t('setup.outputDir')} error={errors.outputDir}>
        {(control) => (
          <div className="input-row">
            <input
              {...control}
              type="text"
              value={settings.outputDir}
              placeholder={t('setup.outputDirPlaceholder')}
              onChange={(e) => set('outputDir', e.target.value)}
              data-testid="output-dir"
              className="mono"
            />
            <button type="button" className="button" onClick={pickOutputDir}>
              {t('setup.choose')}
            </button>
          </div>
        )}
      </Field>

      <TemplateEditor
        label={t('setup.outputName')}
        value={settings.outputNameTemplate}
        onChange={(v) => set('outputNameTemplate', v)}
        variables={variables}
        // Parse problems show as they are found; an empty template has none, so say it here.
        error={settings.outputNameTemplate.trim() ? undefined : errors.outputNameTemplate}
        testId="output-name"
      />

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

      {app.presets.length > 0 && (
        <details className="preset-manage">
          <summary>{t('setup.managePresets')}</summary>
          <ul>
            {app.presets.map((p) => (
              <li key={p.name}>
                <span>{p.name}</span>
                <button
                  type="button"
                  className="button button-small"
                  onClick={() => deletePreset(p.name)}
                  aria-label={t('setup.deletePresetNamed', { name: p.name })}
                >
                  {t('common.delete')}
                </button>
              </li>
            ))}
          </ul>
        </details>
      )}

      {savingPreset && <SavePresetDialog settings={settings} onClose={() => setSavingPreset(false)} />}
    </section>
  );
}

function SavePresetDialog({ settings, onClose }: { settings: BatchSettingsDto; onClose: () => void }) {
  const { t } = useI18n();
  const { setSettings } = useApp();
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const save = async () => {
    try {
      // The output folder is per batch more often than not, but keeping it is what users expect.
      // Fields not filled in yet (a number being typed, no output folder chosen) are left out:
      // applying the preset then keeps what the form has for them.
      const valid = Object.fromEntries(
        Object.entries(settings).filter(([, v]) => !(typeof v === 'number' && Number.isNaN(v))),
      );
      if (!valid.outputDir) delete valid.outputDir;
      if (!valid.outputNameTemplate) delete valid.outputNameTemplate;
      setSettings(await api().settings.savePreset({ name: name.trim(), settings: valid }));
      showToast(t('setup.presetSaved', { name: name.trim() }));
      onClose();
    } catch (e) {
      setError(errorText(e, t));
    }
  };
  return (
    <Dialog
      title={t('setup.savePreset')}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="button" className="button button-primary" disabled={!name.trim()} onClick={save}>
            {t('common.save')}
          </button>
        </>
      }
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (name.trim()) void save();
        }}
      >
        <Field label={t('setup.presetName')} error={error}>
          {(control) => (
            <input
              {...control}
              type="text"
              value={name}
              maxLength={100}
              data-autofocus=""
              onChange={(e) => setName(e.target.value)}
            />
          )}
        </Field>
      </form>
    </Dialog>
  );
}
