// Reference elements (`elements`): a subject the model keeps the same across the video, given as
// a frontal image plus reference images and named `@Element1`, `@Element2`... in the prompt. Which
// models take them, how many and the names of their inner fields come from the model's catalog
// entry (its elements role and that field's JSON Schema), never from Kling's names. Pure: the
// images were checked beforehand (element-images.ts) and ride on the scan as `elementImages`.
import { posix } from 'node:path';
import type { ModelSpec } from '../catalog/catalog';
import { elementShape } from '../catalog/creative-rules';
import type { ElementImages } from '../domain';
import { gateCellPath, type GatedPath } from './contained-path';

export { elementShape } from '../catalog/creative-rules';

/** Why this model cannot take elements, in words (null when it can). */
export function elementsUnavailable(model: ModelSpec, withElements: string[]): string | null {
  if (elementShape(model)) return null;
  const some = withElements.slice(0, 3).join(', ');
  return (
    `${model.displayName} has no reference-elements field in its catalog entry, so it cannot be sent ` +
    `@Element images; choose a model that has one${some ? ` (${some})` : ''}, or remove the elements`
  );
}

const REFERENCE = /@element(\d+)/gi;

/** The element numbers a text refers to (`@Element2` -> 2), each once, in order. */
export function elementReferences(text: string): number[] {
  const found = new Set<number>();
  for (const match of text.matchAll(REFERENCE)) found.add(Number(match[1]));
  return [...found].sort((a, b) => a - b);
}

/**
 * A prompts.csv `elements` cell: elements separated by ";", each its frontal image then its
 * reference images separated by "," (`cat.jpg, cat-side.jpg; dog.jpg`), paths relative to the
 * folder of the prompts.csv. Throws words naming the cell when an element has an empty name.
 */
export function parseElementsCell(cell: string, where: string): { frontal: string; references: string[] }[] {
  return cell
    .split(';')
    .map((part) => part.trim())
    .filter((part, index, all) => part !== '' || index < all.length - 1)
    .map((part, index) => {
      const names = part.split(',').map((name) => name.trim());
      if (names.some((name) => name === ''))
        throw new Error(
          `element ${index + 1} in "${cell}" has an empty file name ${where}; write each element as ` +
            'front.jpg, ref1.jpg and separate elements with ";"',
        );
      return { frontal: names[0]!, references: names.slice(1) };
    });
}

/**
 * A prompts.csv cell's file name through the containment gate (contained-path.ts): the absolute
 * path under the dropped folder, relative to the folder of the prompts.csv (`csvFile`, its
 * path relative to the root), or why it is refused. Touches nothing on disk.
 */
export function csvCellPath(rootPath: string, csvFile: string, cell: string): GatedPath {
  const dir = posix.dirname(csvFile);
  return gateCellPath(rootPath, dir === '.' ? '' : dir, cell);
}

/** Every image an element list names, frontal first. */
export const elementPaths = (elements: readonly ElementImages[]): string[] =>
  elements.flatMap((e) => [e.frontal, ...e.references]);
