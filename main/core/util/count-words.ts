// A count and its noun in English, agreeing ("1 video", "2 videos"): the words main writes
// itself (CLI lines, notices, batch names, errors). The window's messages choose their forms in
// renderer/src/i18n instead, per language.

/** `countOf(1, 'video')` is "1 video", `countOf(3, 'video')` "3 videos"; irregular plurals given. */
export function countOf(n: number, one: string, other = `${one}s`): string {
  return `${n} ${n === 1 ? one : other}`;
}
