// A count and its noun in English, agreeing ("1 video", "2 videos"): the English-only words main
// writes itself (CLI lines, errors). Messages in the reader's language (the window's catalogs,
// the OS texts, the batch notices) choose their forms by ICU plural rules instead
// (common/message-format.ts).

/** `countOf(1, 'video')` is "1 video", `countOf(3, 'video')` "3 videos"; irregular plurals given. */
export function countOf(n: number, one: string, other = `${one}s`): string {
  return `${n} ${n === 1 ? one : other}`;
}
