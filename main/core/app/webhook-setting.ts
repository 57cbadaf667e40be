// Where the webhook address is kept: like the API key, never in the settings file. It is a
// secret: a Discord or Slack webhook URL lets anyone who reads it post to the channel, and an
// ntfy topic is its own password. So it is kept in the OS keychain where there is one
// (main/electron/safe-storage-secrets.ts), and the settings file,
// which the README says may be attached to a bug report, keeps only the service it speaks to.
// A file written before this kept the address in it: the address moves to the keychain at the
// first start and leaves the file.
import type { SecretStore } from './secret-store';
import type { SettingsStore } from './settings-store';
import type { WebhookSetting } from './webhooks';

export interface WebhookSettingStore {
  get(): WebhookSetting | null;
  set(setting: WebhookSetting | null): void;
}

export function createWebhookSettingStore(
  settings: SettingsStore,
  secret: SecretStore,
  log: (message: string) => void = () => {},
): WebhookSettingStore {
  const store: WebhookSettingStore = {
    get() {
      const stored = settings.get().webhook;
      const url = stored ? secret.get() : null;
      return stored && url ? { url, preset: stored.preset } : null;
    },
    set(setting) {
      // The address is what turns notices on: stored without asking, as a plain-text file was
      // all it had before, wherever the system has no keychain.
      if (setting) secret.set(setting.url, { allowPlainText: true });
      else secret.remove();
      settings.update({ webhook: setting ? { preset: setting.preset } : null });
    },
  };
  const legacy = settings.get().webhook;
  if (legacy?.url !== undefined) {
    store.set({ url: legacy.url, preset: legacy.preset });
    log(`the webhook address moved from the settings file to ${secret.describe().label}`);
  }
  return store;
}
