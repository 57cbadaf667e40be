// The batch form's rules, apart from its widgets: the number settings' limits, the settings a
// newly picked model can take, and every field's error in words (main checks the same again).
import type { BatchSettingsDto, ModelInfoDto } from '@common/contract';
import type { I18n } from '../i18n';
import { elementsError } from '../components/CreativeControls';
import { shotsError } from '../components/ShotEditor';
import { validateModelInputs } from '../components/ModelFields';
import { parseTemplate } from '@common/template-grammar';

export type SettingsErrors = Partial<Record<keyof BatchSettingsDto, string>>;

/** The number settings' limits: what their fields offer and what validateSettings holds them to. */
export const LIMITS = {
  cfgScale: { min: 0, max: 1, step: 0.05 },
  takes: { min: 1, max: 10, step: 1 },
  concurrency: { min: 1, max: 20, step: 1 },
} as const;

/** Within its limits; a whole number where the step is 1. NaN (text that is no number) is not. */
function within(value: number, { min, max, step }: { min: number; max: number; step: number }): boolean {
  return value >= min && value <= max && (step !== 1 || Number.isInteger(value));
}

function durationAllowed(model: ModelInfoDto | undefined, seconds: number): boolean {
  const rule = model ? model.duration : { min: 3, max: 15, values: null };
  if (!rule) return true; // the model's duration field is unknown: the duration is not sent
  if (!Number.isInteger(seconds)) return false;
  return rule.values ? rule.values.includes(seconds) : seconds >= rule.min && seconds <= rule.max;
}

/** The settings a newly picked model can take: its own fields cleared, roles it lacks off. */
export function settingsForModel(model: ModelInfoDto, s: BatchSettingsDto): Partial<BatchSettingsDto> {
  const patch: Partial<BatchSettingsDto> = { modelId: model.id, modelInputs: undefined };
  if (!model.roles.negativePrompt) patch.negativePrompt = '';
  if (!model.roles.audio) patch.generateAudio = false;
  if (!model.roles.endImage) patch.loop = undefined;
  if (!model.roles.multiShot) patch.shots = undefined;
  if (!model.elements) patch.elements = undefined;
  const rule = model.duration;
  if (rule && !durationAllowed(model, s.duration)) {
    const choices = rule.values ?? [
      Math.min(rule.max, Math.max(rule.min, Math.round(s.duration) || rule.min)),
    ];
    patch.duration = choices.reduce((best, c) =>
      Math.abs(c - s.duration) < Math.abs(best - s.duration) ? c : best,
    );
  }
  return patch;
}

export function validateSettings(
  s: BatchSettingsDto,
  model: ModelInfoDto | undefined,
  variables: readonly string[],
  t: I18n['t'],
): SettingsErrors {
  const errors: SettingsErrors = {};
  if (!durationAllowed(model, s.duration))
    errors.duration = model?.duration?.values
      ? t('setup.errDurationChoice', { values: model.duration.values.join(', ') })
      : t('setup.errDuration', { min: model?.duration?.min ?? 3, max: model?.duration?.max ?? 15 });
  if (model?.roles.guidance && !within(s.cfgScale, LIMITS.cfgScale)) errors.cfgScale = t('setup.errCfg');
  const fieldErrors = Object.values(validateModelInputs(model, s.modelInputs ?? {}, t));
  if (fieldErrors.length > 0) errors.modelInputs = fieldErrors[0];
  if (!within(s.concurrency, LIMITS.concurrency)) errors.concurrency = t('setup.errConcurrency');
  if (!within(s.takes ?? 1, LIMITS.takes)) errors.takes = t('setup.errTakes');
  if (s.budgetUsd !== null && !(s.budgetUsd > 0 && s.budgetUsd <= 1_000_000))
    errors.budgetUsd = t('setup.errBudget');
  const ceiling = s.perVideoCeilingUsd ?? null;
  if (ceiling !== null && !(ceiling > 0 && ceiling <= 10_000))
    errors.perVideoCeilingUsd = t('models.ceilingError');
  if (!s.outputDir.trim()) errors.outputDir = t('setup.errOutputDir');
  if (!s.outputNameTemplate.trim()) errors.outputNameTemplate = t('setup.errNameEmpty');
  else if (parseTemplate(s.outputNameTemplate, variables).problems.length > 0)
    errors.outputNameTemplate = t('setup.errNameTemplate');
  if (parseTemplate(s.promptTemplate, variables).problems.length > 0)
    errors.promptTemplate = t('setup.errTemplate');
  if (s.negativePrompt.length > 2500) errors.negativePrompt = t('setup.errNegative');
  const shots = shotsError(s, t);
  if (shots) errors.shots = shots;
  const elements = elementsError(s, model, t);
  if (elements) errors.elements = elements;
  return errors;
}
