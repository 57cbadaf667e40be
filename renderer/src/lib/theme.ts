// The window's theme: the system's, or light or dark as Settings → Appearance says. Written on
// <html data-theme>, which sets the color-scheme the colour tokens in styles/base.css follow
// (light-dark() pairs): with "system" the attribute is left off and the OS's scheme applies.
import { useEffect } from 'react';
import type { AppSettingsDto } from '@common/contract';

export function useTheme(setting: AppSettingsDto['theme']): void {
  useEffect(() => {
    const root = document.documentElement;
    if (setting === 'system') delete root.dataset.theme;
    else root.dataset.theme = setting;
  }, [setting]);
}
