// A count and its noun in English, agreeing ("1 video", "2 videos"): the English-only words main
// writes itself (CLI lines, errors), chosen by the same ICU plural rules as every message in the
// reader's language (common/message-format.ts), not by a rule of our own. The count stays plain
// digits, so a log line stays greppable.
import { formatMessage } from '@common/message-format';

/** `countOf(1, 'video')` is "1 video", `countOf(3, 'video')` "3 videos"; irregular plurals given. */
export function countOf(n: number, one: string, other = `${one}s`): string {
  // The nouns are the program's own plain words (no braces, no apostrophes).
  return formatMessage(`{n, plural, one {{count} ${one}} other {{count} ${other}}}`, 'en', {
    n,
    count: String(n),
  });
}
