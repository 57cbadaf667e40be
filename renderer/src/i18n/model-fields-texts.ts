// A model's own request fields in languages other than English: the label, help and option
// names of the fields the shipped models have, by field name. English shows the model entry's
// own words (RunComfy's), and so does a field no language here knows (a user's entry).
import type { Language } from './index';

export interface FieldWords {
  label: string;
  hint?: string;
  /** Option names by value; values not here are shown as they are (720P, 16:9). */
  options?: Record<string, string>;
}

export const MODEL_FIELD_WORDS: Partial<Record<Language, Record<string, FieldWords>>> = {
  'zh-CN': {
    resolution: { label: '分辨率' },
    seed: { label: '随机种子' },
    watermark: { label: '水印' },
    shot_type: { label: '分镜方式', hint: '多分镜提示词如何切分', options: { customize: '自定义' } },
    audio_url: { label: '音频网址', hint: 'wav 或 mp3，3–30 秒，最大 15 MB：按音频驱动生成' },
    negative_prompt: { label: '反向提示词' },
    cfg_scale: { label: 'CFG 引导', hint: '视频跟随提示词的紧密程度' },
    aspect_ratio: { label: '宽高比' },
  },
};

/** The field's words in `language`: its translation where there is one, else the entry's. */
export function fieldWords(
  field: { name: string; label: string; description: string | null },
  language: Language,
): Required<Pick<FieldWords, 'label'>> & { hint: string | null; option: (value: unknown) => string } {
  const words = MODEL_FIELD_WORDS[language]?.[field.name];
  return {
    label: words?.label ?? field.label,
    hint: words ? (words.hint ?? null) : field.description,
    option: (value) => words?.options?.[String(value)] ?? String(value),
  };
}
