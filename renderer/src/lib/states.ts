// Item states as the UI groups them (the filter chips, tones). The lists are checked against the
// contract's types at compile time; the list of states, each state's action and the groups derived
// from it (in flight, problems, not planned) are common/'s tables, imported as they are.
import type { BatchSettingsDto, BatchViewDto, ItemStateDto } from '@common/contract';
import { IN_FLIGHT_STATES, NOT_PLANNED_STATES, PROBLEM_STATES } from '@common/item-actions';

// The list of states is main's own (pure, imported as is).
export { ITEM_STATES } from '@common/item-states';

/** The filter chips above the item list; each selects a set of states. */
export const FILTERS = {
  all: null,
  queued: ['queued'],
  active: IN_FLIGHT_STATES,
  done: ['done'],
  problems: PROBLEM_STATES,
  cancelled: ['cancelled'],
  notSent: NOT_PLANNED_STATES,
} as const satisfies Record<string, readonly ItemStateDto[] | null>;
export type FilterKey = keyof typeof FILTERS;

// Which action each state allows (the buttons shown) is main's own table, imported as is.
export { actionFor, RETRY_ALL_STATES } from '@common/item-actions';

export type StateTone = 'neutral' | 'active' | 'good' | 'bad' | 'warn' | 'muted';

export function toneOf(state: ItemStateDto): StateTone {
  switch (state) {
    case 'queued':
      return 'neutral';
    case 'submitting':
    case 'in_queue':
    case 'in_progress':
    case 'downloading':
      return 'active';
    case 'done':
      return 'good';
    case 'failed':
    case 'expired':
      return 'bad';
    case 'unknown_submit':
      return 'warn';
    case 'cancelled':
    case 'rejected':
    case 'skipped':
      return 'muted';
    default: {
      const never: never = state;
      return never;
    }
  }
}

/** A batch's state as a tone, the tint of its tag (a draft is neutral). */
export const BATCH_TONES: Record<BatchViewDto['state'], StateTone> = {
  draft: 'neutral',
  running: 'active',
  paused: 'warn',
  finished: 'good',
  cancelled: 'muted',
};

/**
 * A mark for each tone, shown before the state's name: the state never rests on colour alone
 * (forced colors, colour blindness). Decorative: the name beside it says the same.
 */
export const TONE_ICONS: Record<StateTone, string> = {
  neutral: '○',
  active: '◔',
  good: '✓',
  bad: '✕',
  warn: '!',
  muted: '–',
};

/**
 * The form's starting point when nothing is remembered yet (mirrors DEFAULT_SETTINGS in main).
 * The model is the first of the list main sends (the catalog's default), filled in by the form.
 */
export const FALLBACK_SETTINGS: BatchSettingsDto = {
  modelId: '',
  // A real example to edit, never the file name: "{name}" alone sends "IMG_2041" as the prompt.
  promptTemplate: 'A slow, steady camera push-in; gentle natural motion in the scene, soft light',
  negativePrompt: '',
  duration: 5,
  generateAudio: false,
  cfgScale: 0.5,
  outputDir: '',
  outputNameTemplate: '{name}.mp4',
  concurrency: 3,
  budgetUsd: null,
  urlPrefix: null,
};
