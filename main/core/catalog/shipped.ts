// The entries shipped with the app, imported so the build carries them (the bundler inlines
// JSON). A test checks that every file in models/ is listed here, in the order the picker shows.
import { modelEntrySchema, type ModelEntry } from './entry';
import kling30Standard from './models/kling-3.0-standard.json';
import kling30Pro from './models/kling-3.0-pro.json';
import kling304k from './models/kling-3.0-4k.json';
import klingO3Pro from './models/kling-o3-pro.json';
import klingO1 from './models/kling-o1.json';
import klingO1Standard from './models/kling-o1-standard.json';
import kling26Pro from './models/kling-2.6-pro.json';
import kling21Pro from './models/kling-2.1-pro.json';
import kling16Pro from './models/kling-1.6-pro.json';
import wan25 from './models/wan-2.5.json';
import wan26 from './models/wan-2.6.json';
import wan26Flash from './models/wan-2.6-flash.json';
import wan22 from './models/wan-2.2.json';
import seedance15Pro from './models/seedance-1.5-pro.json';
import veo3 from './models/veo-3.json';
import veo31FastFirstLast from './models/veo-3.1-fast-first-last.json';
import happyhorse10 from './models/happyhorse-1.0.json';
import pixverse55 from './models/pixverse-5.5.json';
import pixverse55Transition from './models/pixverse-5.5-transition.json';
import ltx2Fast from './models/ltx-2-fast.json';
import pika22 from './models/pika-2.2.json';
import lumaRay2 from './models/luma-ray-2.json';
import hunyuan from './models/hunyuan.json';
import hailuo01Live from './models/hailuo-01-live.json';
import runwayGen3AlphaTurbo from './models/runway-gen-3-alpha-turbo.json';

export const SHIPPED_ENTRY_FILES: Record<string, unknown> = {
  'kling-3.0-standard.json': kling30Standard,
  'kling-3.0-pro.json': kling30Pro,
  'kling-3.0-4k.json': kling304k,
  'kling-o3-pro.json': klingO3Pro,
  'kling-o1.json': klingO1,
  'kling-o1-standard.json': klingO1Standard,
  'kling-2.6-pro.json': kling26Pro,
  'kling-2.1-pro.json': kling21Pro,
  'kling-1.6-pro.json': kling16Pro,
  'wan-2.5.json': wan25,
  'wan-2.6.json': wan26,
  'wan-2.6-flash.json': wan26Flash,
  'wan-2.2.json': wan22,
  'seedance-1.5-pro.json': seedance15Pro,
  'veo-3.json': veo3,
  'veo-3.1-fast-first-last.json': veo31FastFirstLast,
  'happyhorse-1.0.json': happyhorse10,
  'pixverse-5.5.json': pixverse55,
  'pixverse-5.5-transition.json': pixverse55Transition,
  'ltx-2-fast.json': ltx2Fast,
  'pika-2.2.json': pika22,
  'luma-ray-2.json': lumaRay2,
  'hunyuan.json': hunyuan,
  'hailuo-01-live.json': hailuo01Live,
  'runway-gen-3-alpha-turbo.json': runwayGen3AlphaTurbo,
};

/** Parsed once at start; a broken shipped file is a build defect (test/main/core/catalog). */
export const SHIPPED_ENTRIES: readonly ModelEntry[] = Object.entries(SHIPPED_ENTRY_FILES).map(
  ([file, data]) => {
    const parsed = modelEntrySchema.safeParse(data);
    if (!parsed.success) throw new Error(`Shipped model entry ${file} is broken: ${parsed.error.message}`);
    return parsed.data;
  },
);
