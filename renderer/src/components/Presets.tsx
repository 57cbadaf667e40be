// Presets of the batch form: the row in the form's title that applies a saved preset or saves
// the form as a new one, and the list at the form's foot that deletes them.
import { useId, useState } from 'react';
import type { BatchSettingsDto } from '@common/contract';
import { api, errorText } from '../api';
import { useI18n } from '../i18n';
import { useApp } from '../store/app-context';
import { showToast } from '../store/toasts';
import { SavePresetDialog } from './SavePresetDialog';
import './Presets.css';

export function PresetRow({
  settings,
  onChange,
}: {
  settings: BatchSettingsDto;
  onChange: (patch: Partial<BatchSettingsDto>) => void;
}) {
  const { t } = useI18n();
  const { settings: app } = useApp();
  const presetId = useId();
  const [savingPreset, setSavingPreset] = useState(false);

  const applyPreset = (name: string) => {
    const preset = app.presets.find((p) => p.name === name);
    if (preset) onChange(preset.settings);
  };

  return (
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
      {savingPreset && <SavePresetDialog settings={settings} onClose={() => setSavingPreset(false)} />}
    </div>
  );
}

export function PresetManager() {
  const { t } = useI18n();
  const { settings: app, setSettings } = useApp();

  const deletePreset = async (name: string) => {
    try {
      setSettings(await api().settings.deletePreset({ name }));
      showToast(t('setup.presetDeleted', { name }));
    } catch (error) {
      showToast(errorText(error, t), 'error');
    }
  };

  if (app.presets.length === 0) return null;
  return (
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
  );
}
