// Settings, a page of sections with their list beside them: Account (the API key, the balance,
// what was spent, simulated mode, the API address), Spending (the daily cap), Notifications (on
// this computer and to a phone, staying awake overnight), Models and Appearance (language,
// theme). A banner's button opens it at the field that fixes its pause (#/settings/key).
import { useEffect, useRef, type ReactNode } from 'react';
import type { RequestOf } from '@common/contract';
import { api, errorText } from '../api';
import { useI18n } from '../i18n';
import { routeHash, SETTINGS_SECTIONS, type SettingsSection, type SettingsTarget } from '../lib/route';
import { useApp } from '../store/app-context';
import { showToast } from '../store/toasts';
import { AccountBalance } from '../components/AccountBalance';
import { AccountUsage } from '../components/AccountUsage';
import { ApiBaseUrlSetting } from '../components/ApiBaseUrlSetting';
import { ApiKeySettings } from '../components/ApiKeySettings';
import { AppearanceSettings } from '../components/AppearanceSettings';
import { DailyCapSetting } from '../components/DailyCapSetting';
import { CheckboxField } from '../components/Field';
import { ModelSettings } from '../components/ModelSettings';
import { QueueSettings } from '../components/QueueSettings';
import { WebhookSettings } from '../components/WebhookSettings';
import './SettingsPage.css';

/** The section a target lives in. */
function sectionOf(target: SettingsTarget | undefined): SettingsSection {
  if (target === 'key') return 'account';
  if (target === 'daily-cap') return 'spending';
  return target ?? 'account';
}

export function SettingsPage({ target }: { target?: SettingsTarget }) {
  const { t } = useI18n();
  const { settings, setSettings } = useApp();
  const current = sectionOf(target);
  const headings = useRef<Partial<Record<SettingsSection, HTMLHeadingElement | null>>>({});
  const page = useRef<HTMLDivElement>(null);

  // A section link brings its section into view and focus; a banner's target, its field (the
  // one marked data-autofocus: the key, the daily cap).
  useEffect(() => {
    if (!target) return;
    const field =
      target === 'key' || target === 'daily-cap'
        ? page.current?.querySelector<HTMLElement>('[data-autofocus]')
        : null;
    const into = field ?? headings.current[target as SettingsSection];
    into?.scrollIntoView({ block: field ? 'center' : 'start' });
    into?.focus({ preventScroll: true });
  }, [target]);

  const update = async (patch: RequestOf<'command:settings.update'>) => {
    try {
      setSettings(await api().settings.update(patch));
    } catch (error) {
      showToast(errorText(error), 'error');
    }
  };

  const section = (key: SettingsSection, children: ReactNode) => (
    <section
      key={key}
      className="card settings-section"
      aria-labelledby={`settings-${key}`}
      data-testid={`settings-${key}`}
    >
      <h2
        id={`settings-${key}`}
        tabIndex={-1}
        ref={(el) => {
          headings.current[key] = el;
        }}
      >
        {t(`settings.section.${key}`)}
      </h2>
      {children}
    </section>
  );

  return (
    <div className="settings-page" data-testid="settings-page" ref={page}>
      <h1 className="visually-hidden">{t('settings.title')}</h1>
      <nav className="settings-nav" aria-label={t('settings.sections')}>
        <ul>
          {SETTINGS_SECTIONS.map((key) => (
            <li key={key}>
              <a
                href={routeHash({ screen: 'settings', target: key })}
                aria-current={key === current ? 'location' : undefined}
              >
                {t(`settings.section.${key}`)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <div className="settings-sections">
        {section(
          'account',
          <>
            <ApiKeySettings autoFocus={target === 'key'} />
            <AccountBalance />
            <AccountUsage />
            <div className="settings-group">
              <CheckboxField
                label={t('settings.simulated')}
                hint={t('settings.simulatedHint')}
                checked={settings.simulated}
                onChange={(checked) => void update({ simulated: checked })}
              />
            </div>
            <ApiBaseUrlSetting />
          </>,
        )}
        {section(
          'spending',
          <>
            <DailyCapSetting autoFocus={target === 'daily-cap'} />
            <QueueSettings />
          </>,
        )}
        {section(
          'notifications',
          <>
            <div className="settings-group">
              <CheckboxField
                label={t('settings.notifications')}
                checked={settings.notifications}
                onChange={(checked) => void update({ notifications: checked })}
              />
              <CheckboxField
                label={t('settings.keepAwake')}
                checked={settings.keepAwake}
                onChange={(checked) => void update({ keepAwake: checked })}
              />
            </div>
            <WebhookSettings />
          </>,
        )}
        {section('models', <ModelSettings />)}
        {section('appearance', <AppearanceSettings />)}
      </div>
    </div>
  );
}
