// Finds English left in a Chinese screen or OS text: runs of three or more Latin words (a
// sentence or a phrase, not a product name or a file name), apart from the names that stay
// as they are in every language.

/** Names kept in Latin letters in Chinese too (products, formats, units, example values). */
export const LATIN_NAMES = [
  'Stillmotion',
  'RunComfy',
  'Kling',
  'API',
  'URL',
  'CSV',
  'JSON',
  'JPEG',
  'PNG',
  'BMP',
  'WebP',
  'macOS',
  'Windows',
  'DPAPI',
  'GNOME',
  'KWallet',
  'libsecret',
  'Webhook',
  'ntfy',
  'Discord',
  'Slack',
];

/**
 * The English phrases in `text`: three or more Latin words in a row, the names above left out,
 * and `names` (whole names such as a model's, "Kling O1 (first and last frame)") taken out first.
 */
export function englishPhrases(text: string, names: readonly string[] = []): string[] {
  const allowed = new Set(LATIN_NAMES.map((name) => name.toLowerCase()));
  const found: string[] = [];
  const rest = [...names]
    .sort((a, b) => b.length - a.length)
    .reduce((left, name) => left.split(name).join(' '), text);
  for (const match of rest.matchAll(/[A-Za-z][A-Za-z'’]+(?:[ ,]+[A-Za-z][A-Za-z'’]+){2,}/g)) {
    const words = match[0].split(/[ ,]+/).filter((word) => !allowed.has(word.toLowerCase()));
    if (words.length >= 3) found.push(match[0]);
  }
  return found;
}
