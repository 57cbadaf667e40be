// OS notifications for the engine events that need a person (overnight.ts decides which and
// what they say); clicking one brings the window back.
import { Notification } from 'electron';
import type { EngineEvent } from '../core/domain';
import { languageOf, type AppContext } from './running-app';
import { showWindow } from './main-window';
import { hoursTracker } from '@common/batch-notices';
import { hoursNotification, notificationFor } from './overnight';

/** Running batches seen waiting for their hours (this app's), for the notice that they began. */
const hours = hoursTracker();

export function notify(context: AppContext, event: EngineEvent): void {
  const { engine, core } = context;
  if (!engine || !core || !Notification.isSupported()) return;
  const content = notificationFor(
    event,
    engine.getBatch(event.batchId),
    core.services.settings.get(),
    languageOf(context),
  );
  if (content) show(context, content);
  notifyHours(context, event.batchId);
}

/**
 * Looks at running batches' hours (the one an event moved, or all of them from a timer: a batch
 * waiting for its hours sends no event) and says when a batch's hours began.
 */
export function notifyHours(context: AppContext, batchId?: number): void {
  const { engine, core } = context;
  if (!engine || !core || !Notification.isSupported()) return;
  const batches = batchId === undefined ? engine.listBatches() : [engine.getBatch(batchId)];
  for (const batch of batches) {
    if (!batch) continue;
    const content = hoursNotification(hours, batch, core.services.settings.get(), languageOf(context));
    if (content) show(context, content);
  }
}

function show(context: AppContext, content: { title: string; body: string }): void {
  const notification = new Notification({ title: content.title, body: content.body });
  notification.on('click', () => showWindow(context));
  notification.show();
}
