// What `stillmotion run` (and `watch`) prints about a plan before anything is sent: how many
// images and videos it found, an example of what an item sends, and what will not be sent.
import { asWritten } from '../intake/request-placeholders';
import { reasonText, type Reason } from '@common/reasons';
import { countOf } from '../util/count-words';
import { cliLanguage } from './progress';

/**
 * What an item sends, in quotes: its prompt, or its shots with their lengths when it is a
 * multi-shot video (a prompts.csv cell or a sidecar may make it one; the prompt alone would hide it).
 */
export function exampleText(
  item: { renderedPrompt: string; request: Record<string, unknown> },
  model: { roles: { multiShot?: string } },
): string {
  const field = model.roles.multiShot;
  const shots = field ? asWritten(item.request)[field] : undefined;
  if (!Array.isArray(shots) || shots.length === 0) return `"${item.renderedPrompt}"`;
  return shots
    .map((shot) => shot as { prompt?: unknown; duration?: unknown })
    .map((shot) => `${String(shot.duration)}s: "${String(shot.prompt)}"`)
    .join(' | ');
}

/** "Found 3 images and 2 end frames, 2 takes each: 6 videos to send, 0 refused, 0 already
 * generated." Images and videos are counted apart: with takes, one image makes several videos. */
export function foundLine(
  scan: { images: unknown[]; rejected: unknown[]; endFramePairs?: unknown[] },
  plan: { toSend: number; rejected: number; skipped: number },
  takes: number,
): string {
  const ends = scan.endFramePairs?.length ?? 0;
  const found =
    countOf(scan.images.length + scan.rejected.length, 'image') +
    (ends > 0 ? ` and ${countOf(ends, 'end frame')}` : '');
  // Files refused by the scan (unreadable, not an image) have no takes; the plan's are videos.
  const refused = plan.rejected + scan.rejected.length;
  const unit = takes > 1 ? ' videos' : '';
  return (
    `Found ${found}${takes > 1 ? `, ${takes} takes each` : ''}: ${plan.toSend}${unit} to send, ` +
    `${refused} refused, ${plan.skipped} already generated.\n`
  );
}

/**
 * What the plan will not send, refusals first (they need the user), at most 20 lines each.
 * One line per image and verdict however many takes share it (10 takes of a refused image would
 * otherwise say the same thing 10 times); videos already generated, the usual case of a run
 * again, are one line when there are more than three.
 */
export function verdictLines(
  items: {
    relativePath: string;
    verdict?: { state: string; code: string; message: string; reason?: Reason } | null;
  }[],
  scanRefused: { path: string; reason: string }[],
): string[] {
  const MAX = 20;
  const lines = new Map<string, { refused: boolean; code: string; takes: number }>();
  for (const { relativePath, verdict } of items) {
    if (!verdict) continue;
    const refused = verdict.state === 'rejected';
    // "refused", not the state's name: "rejected" is what a user does to a video in the review.
    const line = `  ${refused ? 'refused' : verdict.state}: ${relativePath}: ${reasonText(verdict, cliLanguage()) ?? verdict.message}`;
    const seen = lines.get(line);
    if (seen) seen.takes++;
    else lines.set(line, { refused, code: verdict.code, takes: 1 });
  }
  const entries = [...lines].map(([line, { refused, code, takes }]) => ({
    refused,
    code,
    takes,
    text: `${line}${takes > 1 ? ` (all ${takes} takes)` : ''}`,
  }));
  const capped = (texts: string[], what: string) =>
    texts.length > MAX
      ? [...texts.slice(0, MAX), `  … and ${texts.length - MAX} more ${what}; the report lists every item.`]
      : texts;
  const refusals = [
    ...entries.filter((e) => e.refused).map((e) => e.text),
    ...scanRefused.map((r) => `  refused: ${r.path}: ${r.reason}`),
  ];
  const skips = entries.filter((e) => !e.refused);
  const generated = skips.filter((e) => e.code === 'already_generated');
  const generatedCount = generated.reduce((sum, e) => sum + e.takes, 0);
  const skipTexts =
    generatedCount > 3
      ? [
          ...skips.filter((e) => e.code !== 'already_generated').map((e) => e.text),
          `  skipped: ${generatedCount} videos already generated (kept where they are; --force makes them again)`,
        ]
      : skips.map((e) => e.text);
  return [...capped(refusals, 'refused'), ...capped(skipTexts, 'skipped')];
}

/** A warning, never a block: a balance under the estimate pauses the batch when it runs out. */
