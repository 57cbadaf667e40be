// English counts agree with their nouns in the words main writes itself (CLI lines, errors).
import { describe, expect, it } from 'vitest';
import { countOf } from '../../../../main/core/util/count-words';

describe('countOf', () => {
  it('says "1 video" and "0 videos", "2 videos", and takes an irregular plural', () => {
    expect([0, 1, 2].map((n) => countOf(n, 'video'))).toEqual(['0 videos', '1 video', '2 videos']);
    expect(countOf(1, 'image is', 'images are')).toBe('1 image is');
    expect(countOf(4, 'image is', 'images are')).toBe('4 images are');
  });
});
