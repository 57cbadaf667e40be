// Save the batch form as a named preset (settings.savePreset); fields not filled in yet are
// left out, so applying the preset keeps what the form has for them.
import { useId, useState } from 'react';
import type { BatchSettingsDto } from '@common/contract';
import { api, errorText } from '../api';
import { useI18n } from '../i18n';
import { isShootFolder } from '../lib/output-folder';
import { useApp } from '../store/app-context';
import { showToast } from '../store/toasts';
import { CancelOrConfirm, Dialog } from './Dialog';

export function SavePresetDialog({ settings, onClose }: { settings: BatchSettingsDto; onClose: () => void }) {
  const { t } = useI18n();
  const { setSettings } = useApp();
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const save = async () => {
    try {
      // A folder of the user's own is kept; a shoot's own (videos/ beside its images) is not:
      // applied to the next shoot it would send its videos into this one's folder. Fields not
      // filled in yet (a number being typed) are left out too: applying the preset then keeps
      // what the form has for them.
      const valid = Object.fromEntries(
        Object.entries(settings).filter(([, v]) => !(typeof v === 'number' && Number.isNaN(v))),
      );
      if (!valid.outputDir || isShootFolder(String(valid.outputDir))) delete valid.outputDir;
      if (!valid.outputNameTemplate) delete valid.outputNameTemplate;
      setSettings(await api().settings.savePreset({ name: name.trim(), settings: valid }));
      showToast(t('setup.presetSaved', { name: name.trim() }));
      onClose();
    } catch (e) {
      setError(errorText(e));
    }
  };
  return (
    <Dialog
      title={t('setup.savePreset')}
      onClose={onClose}
      footer={
        <CancelOrConfirm
          onCancel={onClose}
          label={t('common.save')}
          disabled={!name.trim()}
          onConfirm={() => void save()}
        />
      }
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (name.trim()) void save();
        }}
      >
        <div className="field">
          <label htmlFor={id}>{t('setup.presetName')}</label>
          <input
            id={id}
            type="text"
            value={name}
            maxLength={100}
            autoFocus
            onChange={(e) => setName(e.target.value)}
          />
          {error && <p className="field-error">{error}</p>}
        </div>
      </form>
    </Dialog>
  );
}
