// A model's own request fields in languages other than English: the words the model entries use
// for their fields (a label, a help text, an option's name), each with its translation. English
// shows the entry's own words (RunComfy's), and so does a word no language here knows (in a
// user's entry, say). Keyed by the words, not by field names: any entry using them is covered.
import type { Language } from './index';

export const MODEL_WORDS: Partial<Record<Language, Readonly<Record<string, string>>>> = {
  'zh-CN': {
    Resolution: '分辨率',
    Seed: '随机种子',
    Watermark: '水印',
    'Shot type': '分镜方式',
    'How multi-shot prompts are cut': '多分镜提示词如何切分',
    customize: '自定义',
    'Audio URL': '音频网址',
    'wav or mp3, 3-30 s, up to 15 MB: drives audio-led generation':
      'wav 或 mp3，3–30 秒，最大 15 MB：按音频驱动生成',
    'Negative prompt': '反向提示词',
    'CFG scale': 'CFG 引导',
    'How closely the video follows the prompt': '视频跟随提示词的紧密程度',
    'Aspect ratio': '宽高比',
  },
};

/** The field's words in `language`: their translation where there is one, else the entry's. */
export function fieldWords(
  field: { label: string; description: string | null },
  language: Language,
): { label: string; hint: string | null; option: (value: unknown) => string } {
  const words = MODEL_WORDS[language] ?? {};
  const say = (text: string) => words[text] ?? text;
  return {
    label: say(field.label),
    hint: field.description === null ? null : say(field.description),
    option: (value) => say(String(value)),
  };
}
