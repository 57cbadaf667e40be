// The reference elements of one planned item: from its prompts.csv `elements` cell, else the
// batch's. Each image checked and fitted like a start image (plan-image.ts); the count and the
// references per element held to the model's schema; every `@ElementN` in the item's prompts
// must name an element that exists. Returns the request's elements field value. Split from plan.ts.
import { posix } from 'node:path';
import type { PathRefusal, ScanResult, ScannedImage } from '../core-api';
import type { ModelSpec } from '../catalog/catalog';
import type { ElementImages, PlanNote } from '../domain';
import {
  csvCellPath,
  elementReferences,
  elementShape,
  elementsUnavailable,
  parseElementsCell,
} from './elements';
import { pathRefusalReason } from './contained-path';
import type { FitMode } from './fit';
import { planImage } from './plan-image';
import { cellWhere, reject } from './plan-settings';
import { formatReason, reason, type Reason } from '@common/reasons';

/** A text the item sends, and how to name where it came from ("the prompt template"). */
export interface ItemText {
  /** Which text: the template, a prompts.csv prompt, a shot. */
  source: Reason;
  text: string;
}

export function planElements(
  image: ScannedImage,
  scan: Pick<ScanResult, 'elementImages'>,
  batchElements: readonly ElementImages[] | undefined,
  model: ModelSpec,
  options: {
    fit: FitMode;
    texts: ItemText[];
    notes: PlanNote[];
    hashes: Record<string, string>;
    withElementsModels: string[];
  },
): Record<string, unknown>[] | undefined {
  const csv = image.csvRow;
  const cell = csv?.values.elements ?? '';
  const at = cell !== '' ? cellWhere(csv!, 'elements') : '';
  const where = at === '' ? '' : formatReason(at);
  let elements: ElementImages[] = [...(batchElements ?? [])];
  const refused = (refusal: PathRefusal, value: string): never =>
    reject(
      'path_outside_folder',
      pathRefusalReason(refusal, { column: 'elements', value, where: at, root: image.rootPath }),
    );
  // Each name through the containment gate: nothing outside the dropped folder is opened or sent.
  const cellNames = new Map<string, string>();
  const cellPath = (name: string): string => {
    const gated = csvCellPath(image.rootPath, csv!.file, name);
    if (!gated.ok) refused(gated.refusal, name);
    const path = (gated as { path: string }).path;
    cellNames.set(path, name);
    return path;
  };
  if (cell !== '') {
    let parsed: ReturnType<typeof parseElementsCell> = [];
    try {
      parsed = parseElementsCell(cell, where);
    } catch (error) {
      reject('csv_bad_elements', (error as Error).message);
    }
    elements = parsed.map((e) => ({ frontal: cellPath(e.frontal), references: e.references.map(cellPath) }));
  }
  // Every @ElementN must name one of the elements (Element1 is the first).
  for (const { source, text } of options.texts) {
    const beyond = elementReferences(text).filter((n) => n < 1 || n > elements.length);
    if (beyond.length > 0)
      reject(
        'element_reference_unknown',
        reason('plan_element_reference_unknown', {
          source,
          file: image.relativePath,
          refs: beyond.map((n) => `@Element${n}`).join(', '),
          defined:
            elements.length === 0
              ? reason('plan_no_elements_defined')
              : elements.length === 1
                ? reason('plan_one_element_defined')
                : reason('plan_elements_defined', { count: elements.length }),
          where: at,
        }),
      );
  }
  if (elements.length === 0) return undefined;
  const shape = elementShape(model);
  if (!shape)
    reject('elements_unsupported', `${elementsUnavailable(model, options.withElementsModels)}${where}`);
  const { maxElements, maxReferences, frontalField, referencesField } = shape!;
  if (elements.length > maxElements)
    reject(
      'too_many_elements',
      reason('plan_too_many_elements', {
        count: elements.length,
        file: image.relativePath,
        model: model.displayName,
        max: maxElements,
        where: at,
      }),
    );
  return elements.map((element, index) => {
    const n = index + 1;
    if (element.references.length > maxReferences)
      reject(
        'too_many_element_references',
        reason('plan_too_many_element_references', {
          n,
          count: element.references.length,
          model: model.displayName,
          max: maxReferences,
          where: at,
        }),
      );
    const plan = (path: string, role: string) => {
      const label = `@Element${n} ${role} ${posix.basename(path.replace(/\\/g, '/'))}`;
      const facts = scan.elementImages?.[path];
      if (!facts)
        reject('element_image_unchecked', `${label} (${path}) was not checked${where}; add it again`);
      if (!facts!.ok && facts!.refused) refused(facts!.refused, cellNames.get(path) ?? path);
      if (!facts!.ok) reject('element_image_unusable', `${label} (${path}): ${facts!.reason}${where}`);
      const checked = facts as Extract<typeof facts, { ok: true }>;
      options.hashes[path] = checked.sha256;
      // Element images are always sent inline: a URL prefix is for the dropped folder's images.
      return planImage(model, checked, {
        fit: options.fit,
        mode: 'data-uri',
        label,
        where,
        notes: options.notes,
      }).ref;
    };
    const out: Record<string, unknown> = { [frontalField]: plan(element.frontal, 'frontal image') };
    if (referencesField && element.references.length > 0)
      out[referencesField] = element.references.map((r, k) => plan(r, `reference image ${k + 1}`));
    return out;
  });
}
