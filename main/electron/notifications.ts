// OS notifications for the engine events that need a person (overnight.ts decides which and
// what they say); clicking one brings the window back.
import { Notification } from 'electron';
import type { EngineEvent } from '../core/domain';
import { languageOf, type AppContext } from './running-app';
import { showWindow } from './main-window';
import { notificationFor } from './overnight';

export function notify(context: AppContext, event: EngineEvent): void {
  const { engine, core } = context;
  if (!engine || !core || !Notification.isSupported()) return;
  const content = notificationFor(
    event,
    engine.getBatch(event.batchId),
    core.services.settings.get(),
    languageOf(context),
  );
  if (!content) return;
  const notification = new Notification({ title: content.title, body: content.body });
  notification.on('click', () => showWindow(context));
  notification.show();
}
