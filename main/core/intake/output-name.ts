// Output file names that are safe on Windows, macOS and Linux, stay inside the output folder
// and never collide. Pure functions: the names come from user templates and file names, so a
// hostile or merely unlucky name must never write outside outputDir, overwrite a sibling,
// create a device file name on Windows, or fail to be created at all.
//
// Per path segment:
//  - NFC-normalised (macOS stores NFD, Windows and Linux keep what they get: one form avoids
//    two "identical" names on disk);
//  - bidi controls stripped (they make "gpj.exe" read as "exe.jpg"), control characters and
//    NUL removed, lone surrogates replaced, Windows-forbidden <>:"/\|?* replaced by "_";
//  - no leading dot (no hidden outputs), no trailing dots or spaces (Windows drops them),
//    "." and ".." and empty segments impossible;
//  - Windows device names (CON, PRN, AUX, NUL, COM0-9, LPT0-9 and their superscript-digit
//    forms, CONIN$, CONOUT$) are prefixed with "_" whatever the extension;
//  - at most 255 bytes of UTF-8, cut at a character boundary, keeping the extension.
// The file name always ends in ".mp4". Names are unique case-insensitively (Windows and
// macOS default to case-insensitive file systems): "name.mp4", "name (2).mp4", ...

export const MAX_SEGMENT_BYTES = 255;
/** More nested folders than this are flattened into the last one (paths must stay openable). */
export const MAX_SEGMENTS = 32;
const EXTENSION = '.mp4';

const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
// C0 and C1 control characters, DEL.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const FORBIDDEN = /[<>:"/\\|?*]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
// Windows reserves these names with any extension; trailing spaces/dots before it count too.
const RESERVED =
  /^(con|prn|aux|nul|conin\$|conout\$|com[0-9\u00b9\u00b2\u00b3]|lpt[0-9\u00b9\u00b2\u00b3])(\s*\.|\s*$)/i;

const byteLength = (s: string) => Buffer.byteLength(s, 'utf8');

/** Cuts `text` to at most `maxBytes` of UTF-8, never inside a character (or a grapheme). */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (byteLength(text) <= maxBytes) return text;
  let out = '';
  let bytes = 0;
  for (const { segment } of graphemes(text)) {
    const size = byteLength(segment);
    if (bytes + size > maxBytes) break;
    out += segment;
    bytes += size;
  }
  return out;
}

const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });
function graphemes(text: string) {
  return segmenter.segment(text);
}

/** One folder or file name made safe (not yet given its extension or made unique). */
export function sanitizeSegment(raw: string): string {
  let s = (/[\ud800-\udfff]/.test(raw) ? raw.replace(LONE_SURROGATE, '\ufffd') : raw).normalize('NFC');
  s = s.replace(BIDI_CONTROLS, '').replace(CONTROL, '').replace(FORBIDDEN, '_');
  s = s.replace(/^\s+/, '').replace(/[\s.]+$/, '');
  if (s.startsWith('.')) s = `_${s.slice(1)}`;
  if (s === '') s = '_';
  if (RESERVED.test(s)) s = `_${s}`;
  s = truncateUtf8(s, MAX_SEGMENT_BYTES);
  // Truncation may leave a trailing dot or space: strip again, and never return "".
  s = s.replace(/[\s.]+$/, '');
  return s === '' ? '_' : s;
}

/** "clip" + " (2)" + ".mp4", cut so the whole name fits 255 bytes and keeps suffix and extension. */
function fileName(stem: string, suffix: string): string {
  const room = MAX_SEGMENT_BYTES - byteLength(suffix + EXTENSION);
  let cut = truncateUtf8(stem, room).replace(/[\s.]+$/, '');
  if (cut === '') cut = '_';
  if (RESERVED.test(cut + suffix)) cut = `_${cut}`;
  return `${cut}${suffix}${EXTENSION}`;
}

/**
 * The safe relative output path for one item, before making it unique: the input's folder
 * (`relativeDir`, '/'-separated) mirrored, then the rendered name, whose own '/' or '\'
 * make sub-folders. Never absolute, never with "..", always ending in ".mp4".
 */
export function safeOutputPath(relativeDir: string, renderedName: string): string {
  const dirs = relativeDir
    .split('/')
    .filter((s) => s !== '' && s !== '.')
    .map(sanitizeSegment);
  const nameParts = renderedName.split(/[/\\]/).filter((s) => s.trim() !== '' && s !== '.');
  const last = nameParts.pop() ?? '';
  dirs.push(...nameParts.map(sanitizeSegment));
  // Folders beyond the limit are merged into one, so nothing is dropped silently.
  if (dirs.length > MAX_SEGMENTS - 1) {
    const kept = dirs.slice(0, MAX_SEGMENTS - 2);
    kept.push(sanitizeSegment(dirs.slice(MAX_SEGMENTS - 2).join('_')));
    dirs.splice(0, dirs.length, ...kept);
  }
  // ".mp4" (any case) is our extension: drop it here and put it back after the cut.
  const stem = sanitizeSegment(last.replace(/\.mp4\s*$/i, ''));
  return [...dirs, fileName(stem, '')].join('/');
}

/** Case-insensitive key as the strictest common file system compares names. */
export function nameKey(path: string): string {
  return path.normalize('NFC').toUpperCase().toLowerCase();
}

/**
 * Hands out unique paths: the first "a/b.mp4" keeps its name, the next "a/B.mp4" becomes
 * "a/B (2).mp4". A file never takes the name of a folder another output needs, nor the
 * reverse: folders are reserved up front via `reserveFolders`.
 */
export class OutputNameAllocator {
  private readonly files = new Set<string>();
  private readonly folders = new Set<string>();
  private readonly nextSuffix = new Map<string, number>();

  /** Marks every folder on these paths as taken, so no file is given a folder's name. */
  reserveFolders(paths: Iterable<string>): void {
    for (const path of paths) {
      const segments = path.split('/');
      for (let i = 1; i < segments.length; i++) this.folders.add(nameKey(segments.slice(0, i).join('/')));
    }
  }

  allocate(path: string): string {
    const slash = path.lastIndexOf('/');
    const dir = slash >= 0 ? path.slice(0, slash + 1) : '';
    const stem = path.slice(dir.length, path.length - EXTENSION.length);
    const taken = (candidate: string) => {
      const key = nameKey(candidate);
      return this.files.has(key) || this.folders.has(key);
    };
    let candidate = path;
    if (taken(candidate)) {
      const base = nameKey(path);
      // Continue numbering where the last collision on this name stopped: O(1) per name
      // even when thousands of items render to the same name.
      let n = this.nextSuffix.get(base) ?? 2;
      do {
        candidate = dir + fileName(stem, ` (${n})`);
        n += 1;
      } while (taken(candidate));
      this.nextSuffix.set(base, n);
    }
    this.files.add(nameKey(candidate));
    this.reserveFolders([candidate]);
    return candidate;
  }
}

/** Safe, unique output paths for a whole plan, in order. */
export function allocateOutputPaths(
  entries: readonly { relativeDir: string; renderedName: string }[],
): string[] {
  const paths = entries.map((e) => safeOutputPath(e.relativeDir, e.renderedName));
  const allocator = new OutputNameAllocator();
  allocator.reserveFolders(paths);
  return paths.map((p) => allocator.allocate(p));
}
