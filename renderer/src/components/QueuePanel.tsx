// The account's queue on the Batches screen: the batches that have not ended, in the order they
// take the free slots, each with what it waits for; reordered by dragging a row, by Alt+↑/↓ on a
// focused row, or "Move to top"; paused and resumed in place (a pause keeps its place); the
// account-wide limit beneath. Follows the batches as they change.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { AccountLimitDto, QueueEntryDto } from '@common/contract';
import { api, errorText } from '../api';
import { useI18n } from '../i18n';
import { navigate } from '../lib/route';
import { BATCH_TONES } from '../lib/states';
import { showToast } from '../store/toasts';
import './QueuePanel.css';

type Move = 'top' | 'up' | 'down' | 'bottom';

function useQueue(): { entries: QueueEntryDto[] | null; limit: AccountLimitDto | null; reload: () => void } {
  const [entries, setEntries] = useState<QueueEntryDto[] | null>(null);
  const [limit, setLimit] = useState<AccountLimitDto | null>(null);
  const reload = useCallback(() => {
    void Promise.all([api().queue.list(), api().queue.limit()])
      .then(([list, account]) => {
        setEntries(list);
        setLimit(account);
      })
      .catch((error: unknown) => showToast(errorText(error), 'error'));
  }, []);
  useEffect(() => {
    const offs = [api().onBatchChanged(reload), api().onBatchFinished(reload), api().onItemsChanged(reload)];
    reload();
    return () => offs.forEach((off) => off());
  }, [reload]);
  return { entries, limit, reload };
}

export function QueuePanel() {
  const { t, locale } = useI18n();
  const { entries, limit, reload } = useQueue();
  const dragged = useRef<number | null>(null);
  const rows = useRef(new Map<number, HTMLLIElement | null>());

  const move = async (entry: QueueEntryDto, where: Move, times = 1) => {
    try {
      let list: QueueEntryDto[] = [];
      for (let i = 0; i < times; i++) list = await api().queue.move({ batchId: entry.batchId, move: where });
      const now = list.find((e) => e.batchId === entry.batchId);
      if (now) showToast(t('queue.moved', { name: entry.name, position: now.position }));
      reload();
      // The row keeps the focus where it went, so Alt+↑ can be pressed again.
      requestAnimationFrame(() => rows.current.get(entry.batchId)?.focus());
    } catch (error) {
      showToast(errorText(error), 'error');
    }
  };
  const pauseOrResume = async (entry: QueueEntryDto) => {
    try {
      if (entry.state === 'running') await api().batch.pause({ batchId: entry.batchId });
      else await api().batch.resume({ batchId: entry.batchId });
      reload();
    } catch (error) {
      showToast(errorText(error), 'error');
    }
  };
  const time = (ms: number) =>
    new Date(ms).toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });
  const waiting = (entry: QueueEntryDto) =>
    entry.waitingFor === 'hours' && entry.opensAt !== null
      ? t('queue.waiting.hoursAt', { time: time(entry.opensAt) })
      : entry.waitingFor === 'nothing' && entry.queued === 0
        ? t('queue.waiting.idle')
        : t(`queue.waiting.${entry.waitingFor}`);

  if (!entries) return null;
  return (
    <section className="card queue-panel" aria-labelledby="queue-title" data-testid="queue-panel">
      <h2 id="queue-title">{t('queue.title')}</h2>
      <p className="muted small">{t('queue.hint')}</p>
      {entries.length === 0 && <p className="muted">{t('queue.empty')}</p>}
      <ol className="queue-list">
        {entries.map((entry, index) => (
          <li
            key={entry.batchId}
            ref={(el) => {
              rows.current.set(entry.batchId, el);
            }}
            className="queue-row"
            tabIndex={0}
            draggable
            data-testid="queue-row"
            aria-label={`${t('queue.position', { position: entry.position })}: ${entry.name}`}
            onDragStart={() => (dragged.current = entry.batchId)}
            onDragOver={(e) => e.preventDefault()}
            onDrop={(e) => {
              e.preventDefault();
              const from = entries.findIndex((other) => other.batchId === dragged.current);
              dragged.current = null;
              if (from < 0 || from === index) return;
              void move(entries[from]!, from > index ? 'up' : 'down', Math.abs(from - index));
            }}
            onKeyDown={(e) => {
              if (!e.altKey || e.target !== e.currentTarget) return;
              if (e.key === 'ArrowUp' && index > 0) {
                e.preventDefault();
                void move(entry, 'up');
              } else if (e.key === 'ArrowDown' && index < entries.length - 1) {
                e.preventDefault();
                void move(entry, 'down');
              }
            }}
          >
            <span className="queue-place" aria-hidden="true">
              {entry.position}
            </span>
            <div className="queue-what">
              <div className="item-name">{entry.name}</div>
              <div className="muted small">
                <span className={`tag batch-state tone-${BATCH_TONES[entry.state]}`}>
                  {t(`batchState.${entry.state}`)}
                </span>{' '}
                {waiting(entry)} · {t('queue.counts', { queued: entry.queued, inFlight: entry.inFlight })}
                {entry.schedule?.window &&
                  ` · ${t('queue.window', { window: `${entry.schedule.window.start}–${entry.schedule.window.end}` })}`}
                {entry.watching && ` · ${t('queue.watching')}`}
              </div>
            </div>
            <div className="row-actions">
              <button
                type="button"
                className="button button-small"
                disabled={index === 0}
                onClick={() => void move(entry, 'top')}
                aria-label={t('queue.moveTopNamed', { name: entry.name })}
              >
                {t('queue.moveTop')}
              </button>
              <button
                type="button"
                className="button button-small"
                disabled={index === 0}
                onClick={() => void move(entry, 'up')}
                aria-label={t('queue.moveUp', { name: entry.name })}
              >
                ↑
              </button>
              <button
                type="button"
                className="button button-small"
                disabled={index === entries.length - 1}
                onClick={() => void move(entry, 'down')}
                aria-label={t('queue.moveDown', { name: entry.name })}
              >
                ↓
              </button>
              {(entry.state === 'running' || entry.state === 'paused') && (
                <button
                  type="button"
                  className="button button-small"
                  onClick={() => void pauseOrResume(entry)}
                >
                  {entry.state === 'running' ? t('queue.pause') : t('queue.resume')}
                </button>
              )}
              <button
                type="button"
                className="button button-small button-primary"
                onClick={() => navigate({ screen: 'batch', batchId: entry.batchId })}
              >
                {t('queue.open')}
              </button>
            </div>
          </li>
        ))}
      </ol>
      {limit && (
        <p className="muted small" data-testid="queue-limit">
          {limit.effective === null
            ? t('queue.noLimit', { inFlight: limit.inFlight })
            : t('queue.limit', { limit: limit.effective, inFlight: limit.inFlight })}
          {limit.lowered &&
            ` · ${t('queue.lowered', { limit: limit.lowered.limit, time: time(limit.lowered.until) })}`}
        </p>
      )}
    </section>
  );
}
