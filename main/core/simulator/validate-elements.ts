// Kling 3.0's `elements` field as the simulator checks it, written from the API docs (at most 3
// elements, each a frontal image with at most 3 reference images, or a video URL; the prompt
// names them @Element1...) and independent of the app's catalog, like the rest of validation.ts.
import { checkImage, isObject } from './validation';

const MAX_ELEMENTS = 3;
const MAX_REFERENCES = 3;

type Fail = (loc: (string | number)[], check: { msg: string; type: string }) => void;

export function validateElements(
  elements: unknown,
  fail: Fail,
  missing: (loc: (string | number)[]) => void,
): void {
  if (!Array.isArray(elements))
    fail(['elements'], { msg: 'Input should be a valid list', type: 'list_type' });
  else if (elements.length > MAX_ELEMENTS)
    fail(['elements'], { msg: `List should have at most ${MAX_ELEMENTS} items`, type: 'too_long' });
  else
    elements.forEach((element: unknown, index) => {
      if (!isObject(element)) {
        fail(['elements', index], { msg: 'Input should be an element object', type: 'model_type' });
        return;
      }
      if (element.video_url !== undefined && element.video_url !== null) {
        const value = element.video_url;
        if (typeof value !== 'string' || !/^(https:\/\/|data:video\/)/.test(value))
          fail(['elements', index, 'video_url'], {
            msg: 'Input should be an https URL or a data:video/...;base64 URI',
            type: 'url_scheme',
          });
        return;
      }
      if (element.frontal_image_url === undefined || element.frontal_image_url === null)
        missing(['elements', index, 'frontal_image_url']);
      else {
        const check = checkImage(element.frontal_image_url);
        if (!check.ok) fail(['elements', index, 'frontal_image_url'], check);
      }
      const refs = element.reference_image_urls;
      if (refs === undefined || refs === null) return;
      if (!Array.isArray(refs))
        fail(['elements', index, 'reference_image_urls'], {
          msg: 'Input should be a valid list',
          type: 'list_type',
        });
      else if (refs.length > MAX_REFERENCES)
        fail(['elements', index, 'reference_image_urls'], {
          msg: `List should have at most ${MAX_REFERENCES} items`,
          type: 'too_long',
        });
      else
        refs.forEach((ref: unknown, refIndex) => {
          const check = checkImage(ref);
          if (!check.ok) fail(['elements', index, 'reference_image_urls', refIndex], check);
        });
    });
}

/** The @ElementN numbers in `text` that name no element of the `count` sent. */
export function danglingElementReferences(text: string, count: number): number[] {
  const found = new Set<number>();
  for (const match of text.matchAll(/@element(\d+)/gi)) {
    const n = Number(match[1]);
    if (n < 1 || n > count) found.add(n);
  }
  return [...found].sort((a, b) => a - b);
}
