// Kling 3.0's `elements` field as the simulator checks it, written from the API docs (at most 3
// elements, each a frontal image with at most 3 reference images, or a video URL; the prompt
// names them @Element1...) and independent of the app's catalog, like the rest of validation.ts.
import { checkedList, checkImage, isObject, requiredValue, type Fail } from './field-checks';

const MAX_ELEMENTS = 3;
const MAX_REFERENCES = 3;

export function validateElements(value: unknown, fail: Fail): void {
  checkedList(value, ['elements'], MAX_ELEMENTS, fail)?.forEach((element: unknown, index) => {
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
    requiredValue(element.frontal_image_url, ['elements', index, 'frontal_image_url'], checkImage, fail);
    const refs = element.reference_image_urls;
    if (refs === undefined || refs === null) return;
    const loc = ['elements', index, 'reference_image_urls'];
    checkedList(refs, loc, MAX_REFERENCES, fail)?.forEach((ref: unknown, refIndex) => {
      const check = checkImage(ref);
      if (!check.ok) fail([...loc, refIndex], check);
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
