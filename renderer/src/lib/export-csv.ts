// Saves a batch's report as a CSV file through the browser's download (History and the batch
// header both offer it).
import { api, errorText } from '../api';
import type { Language } from '../i18n';
import { showToast } from '../store/toasts';

/** Downloads batch.reportCsv through a Blob link: works in Electron and in a plain browser. */
export async function exportCsv(batchId: number, language: Language): Promise<void> {
  try {
    // Reasons in the window's language, so the report reads like the list it came from.
    const { fileName, csv } = await api().batch.reportCsv({ batchId, language });
    // The byte-order mark makes Excel read the file as UTF-8 (without it, Chinese file names
    // and prompts turn to mojibake in the system's legacy code page).
    const url = URL.createObjectURL(new Blob(['\uFEFF', csv], { type: 'text/csv;charset=utf-8' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = fileName;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  } catch (error) {
    showToast(errorText(error), 'error');
  }
}
