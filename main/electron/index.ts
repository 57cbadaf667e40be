// Electron entry (thin glue): app lifecycle, window, IPC registration. Filled in by the shell work.
import { app } from 'electron';

app.whenReady().then(() => {
  // The window and IPC are registered in later steps.
});
