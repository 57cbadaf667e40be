// The values a template's {variables} take for one take of one image ({name}, {folder}, {path},
// {index}, {count}, {caption}, {take} and prompts.csv columns), the sentence said when one
// has no value, and how many of a scan's images have one (shown under the template as it is typed).
import { posix } from 'node:path';
import type { ScannedImage } from '../core-api';
import { BUILTIN_VARIABLES } from './template';

export const stemOf = (fileName: string) => {
  const dot = fileName.lastIndexOf('.');
  return dot > 0 ? fileName.slice(0, dot) : fileName;
};

export interface TemplateValues {
  lookup: (name: string) => string | null;
  missing: (name: string) => string;
}

/** `index` counts from 1 in scan order; `count` is the number of images in the scan. */
export function templateValues(
  image: ScannedImage,
  index: number,
  count: number,
  take: number,
): TemplateValues {
  const fileName = posix.basename(image.relativePath);
  const dir = posix.dirname(image.relativePath);
  const csv = image.csvRow;
  const lookup = (name: string): string | null => {
    // The take is the app's own count, never a column: two takes must not share a name.
    if (name === 'take') return String(take);
    // A prompts.csv column of the same name is the more specific value, so it wins.
    if (csv && name in csv.values) return csv.values[name]!;
    switch (name) {
      case 'name':
        return stemOf(fileName);
      case 'folder':
        return dir === '.' ? posix.basename(image.rootPath.split(/[\\/]/).join('/')) : posix.basename(dir);
      case 'path':
        return image.relativePath;
      case 'index':
        return String(index);
      case 'count':
        return String(count);
      case 'caption':
        return image.caption;
      default:
        return null;
    }
  };
  const missing = (name: string) =>
    name === 'caption'
      ? `{caption} needs a caption file next to ${image.relativePath} (${posix.join(
          dir === '.' ? '' : dir,
          stemOf(fileName),
        )}.txt) and there is none; add it, give a default ({caption|a quiet street}), ` +
        'or remove {caption} from the template'
      : `{${name}} comes from prompts.csv, which has no row for ${image.relativePath}; ` +
        'add a row for it, or remove the variable from the template';
  return { lookup, missing };
}

/** The variables every image has a value for: the built-in ones but {caption} (prompts.csv columns may be missing too). */
const ALWAYS_THERE = new Set<string>(BUILTIN_VARIABLES.filter((name) => name !== 'caption'));

/** For each variable some images may lack, how many of `images` have a value for it. */
export function variableCoverage(
  images: readonly ScannedImage[],
  variables: readonly string[],
): Record<string, number> {
  const coverage: Record<string, number> = {};
  const names = variables.map((v) => v.toLowerCase()).filter((v) => !ALWAYS_THERE.has(v));
  for (const name of names) coverage[name] = 0;
  images.forEach((image, i) => {
    const { lookup } = templateValues(image, i + 1, images.length, 1);
    for (const name of names) if (lookup(name) !== null) coverage[name]! += 1;
  });
  return coverage;
}
