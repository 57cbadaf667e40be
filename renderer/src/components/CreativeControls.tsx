// The batch's creative controls, each shown only where the model has it: fit mode, loop (or why
// there is no end frame), the shots of a multi-shot video and the reference elements. Split from
// BatchSetup so the form stays one screen of code; the rules for errors live with each control.
import type { BatchSettingsDto, ElementCheckDto as ElementCheck, ModelInfoDto } from '@common/contract';
import { useI18n, type I18n } from '../i18n';
import { elementReferences, insertText } from '../lib/template';
import { modelsThatHave } from '../lib/model-names';
import { useApp, useModel } from '../store/app-context';
import { ElementsPanel } from './ElementsPanel';
import { CheckboxField } from './Field';
import { FitModeField } from './FitModeField';
import { ShotEditor } from './ShotEditor';

/**
 * Why the batch's prompts cannot name the elements they do, in words (field, value, what exists),
 * else null; main checks the same again for every prompt, prompts.csv rows included.
 */
export function elementsError(
  s: BatchSettingsDto,
  model: ModelInfoDto | undefined,
  t: I18n['t'],
): string | null {
  const count = s.elements?.length ?? 0;
  if (count > 0 && model && !model.elements)
    return t('elements.errUnavailable', { model: model.displayName });
  const texts = [
    { where: t('setup.prompt'), text: s.promptTemplate },
    ...(s.shots ?? []).map((shot, i) => ({ where: t('shots.prompt', { n: i + 1 }), text: shot.prompt })),
  ];
  for (const { where, text } of texts) {
    const beyond = elementReferences(text).filter((n) => n < 1 || n > count);
    if (beyond.length === 0) continue;
    const refs = beyond.map((n) => `@Element${n}`).join(', ');
    if (count === 0) return t('elements.errDanglingNone', { where, refs });
    const defined = count === 1 ? t('elements.definedOne') : t('elements.definedMany', { count });
    return t('elements.errDangling', { where, refs, defined });
  }
  return null;
}

/** Writes `token` into a text control at its caret (its end when it never had focus), then focuses it there. */
export function insertAtCaret(
  el: HTMLInputElement | HTMLTextAreaElement | null,
  value: string,
  token: string,
  onChange: (text: string) => void,
): void {
  const next = insertText(value, token, el?.selectionStart ?? value.length, el?.selectionEnd ?? value.length);
  onChange(next.text);
  requestAnimationFrame(() => {
    el?.focus();
    el?.setSelectionRange(next.caret, next.caret);
  });
}

interface Props {
  settings: BatchSettingsDto;
  onChange: (patch: Partial<BatchSettingsDto>) => void;
  elementChecks: { scanId: string; checks: Record<string, ElementCheck>; error: string | null };
  onInsertElement: (n: number) => void;
}

export function CreativeControls({ settings, onChange, elementChecks, onInsertElement }: Props) {
  const { t } = useI18n();
  const { models } = useApp();
  const model = useModel(settings.modelId);
  const roles = model?.roles ?? {};
  const endFrameModels = modelsThatHave(models, (m) => !!m.roles.endImage).join(', ');
  return (
    <>
      <FitModeField value={settings.fit} model={model} onChange={(fit) => onChange({ fit })} />
      {roles.endImage ? (
        <CheckboxField
          label={t('setup.loop')}
          hint={t('setup.loopHint')}
          testId="loop"
          checked={settings.loop === true}
          onChange={(checked) => onChange({ loop: checked ? true : undefined })}
        />
      ) : (
        model && (
          <p className="field-hint" data-testid="no-end-frame">
            {t('setup.noEndFrame', { model: model.displayName, models: endFrameModels })}
          </p>
        )
      )}
      {model && !model.duration && <p className="field-hint">{t('models.noDurationField')}</p>}
      {roles.multiShot && <ShotEditor settings={settings} onChange={(shots) => onChange({ shots })} />}
      {model && (
        <ElementsPanel
          scanId={elementChecks.scanId}
          elements={settings.elements ?? []}
          model={model}
          checks={elementChecks.checks}
          checkError={elementChecks.error}
          onChange={(elements) => onChange({ elements })}
          onInsert={onInsertElement}
        />
      )}
    </>
  );
}
