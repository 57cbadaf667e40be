// The review's keys, shown where they work (above the grid, in the full-screen review), so
// nobody has to guess that K keeps and R rejects.
import { useI18n, type MessageKey } from '../i18n';
import './ShortcutKeys.css';

export interface Shortcut {
  keys: readonly string[];
  label: MessageKey;
}

/** The grid's keys: on the focused video. */
export const GRID_SHORTCUTS: readonly Shortcut[] = [
  { keys: ['←', '↑', '→', '↓'], label: 'review.key.move' },
  { keys: ['K'], label: 'review.key.keep' },
  { keys: ['R'], label: 'review.key.reject' },
  { keys: ['U'], label: 'review.key.clear' },
  { keys: ['X'], label: 'review.key.select' },
  { keys: ['Space'], label: 'review.key.play' },
  { keys: ['Enter'], label: 'review.key.open' },
];

/** The full-screen review's keys. */
export const PLAYER_SHORTCUTS: readonly Shortcut[] = [
  { keys: ['←', '→'], label: 'review.key.previousNext' },
  { keys: ['K'], label: 'review.key.keep' },
  { keys: ['R'], label: 'review.key.reject' },
  { keys: ['U'], label: 'review.key.clear' },
  { keys: ['Space'], label: 'review.key.playPause' },
  { keys: ['Esc'], label: 'review.key.close' },
];

export function ShortcutKeys({ shortcuts, testId }: { shortcuts: readonly Shortcut[]; testId?: string }) {
  const { t } = useI18n();
  return (
    <ul className="shortcut-keys" aria-label={t('review.keys')} data-testid={testId}>
      {shortcuts.map(({ keys, label }) => (
        <li key={label}>
          {keys.map((key) => (
            <kbd key={key}>{key === 'Space' ? t('review.key.space') : key}</kbd>
          ))}{' '}
          {t(label)}
        </li>
      ))}
    </ul>
  );
}
