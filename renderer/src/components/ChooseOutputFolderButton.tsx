// "Choose another folder…" for a batch whose output folder is away or full: the folder picker,
// then main moves the batch's downloads there (videos already saved stay where they are).
import type { BatchViewDto } from '@common/contract';
import { api } from '../api';
import { useI18n } from '../i18n';
import { useAction } from '../lib/use-action';
import { showToast } from '../store/toasts';

export function ChooseOutputFolderButton({
  batch,
  onChanged,
}: {
  batch: BatchViewDto;
  onChanged: () => void;
}) {
  const { t } = useI18n();
  const { busy, run } = useAction(onChanged);
  const choose = () =>
    run(async () => {
      const { path } = await api().dialog.pickOutputDir();
      if (path === null) return;
      await api().batch.setOutputDir({ batchId: batch.id, outputDir: path });
      showToast(t('batch.outputDirChanged', { folder: path }));
    });
  return (
    <button
      type="button"
      className="button button-primary"
      disabled={busy}
      onClick={() => void choose()}
      data-testid="choose-output-folder"
    >
      {t('batch.chooseOutputDir')}
    </button>
  );
}
