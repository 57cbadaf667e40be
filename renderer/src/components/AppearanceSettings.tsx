// Settings → Appearance: the window's language and its theme (the system's, light or dark).
import { useState } from 'react';
import type { AppSettingsDto, RequestOf } from '@common/contract';
import { api, errorText } from '../api';
import { useI18n } from '../i18n';
import { useApp } from '../store/app-context';
import { showToast } from '../store/toasts';
import { Field } from './Field';

export const THEMES = ['system', 'light', 'dark'] as const satisfies readonly AppSettingsDto['theme'][];

export function AppearanceSettings() {
  const { t } = useI18n();
  const { settings, setSettings } = useApp();
  // Shown at once; the saved settings follow (a refusal puts the saved one back).
  const [theme, setTheme] = useState(settings.theme);
  const update = async (patch: RequestOf<'command:settings.update'>) => {
    try {
      setSettings(await api().settings.update(patch));
    } catch (error) {
      setTheme(settings.theme);
      showToast(errorText(error), 'error');
    }
  };
  return (
    <div className="settings-group">
      <Field label={t('settings.language')}>
        {(control) => (
          <select
            {...control}
            value={settings.language}
            onChange={(e) => void update({ language: e.target.value as AppSettingsDto['language'] })}
            data-testid="language-select"
          >
            <option value="system">{t('settings.languageSystem')}</option>
            <option value="en" lang="en">
              English
            </option>
            <option value="zh-CN" lang="zh-CN">
              简体中文
            </option>
          </select>
        )}
      </Field>
      <fieldset className="radio-group" data-testid="theme-setting">
        <legend>{t('settings.theme')}</legend>
        {THEMES.map((value) => (
          <label key={value} className="radio">
            <input
              type="radio"
              name="theme"
              value={value}
              checked={theme === value}
              onChange={() => {
                setTheme(value);
                void update({ theme: value });
              }}
            />
            {t(`settings.theme.${value}`)}
          </label>
        ))}
      </fieldset>
    </div>
  );
}
