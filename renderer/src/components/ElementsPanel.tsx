// Reference elements of a batch: up to the model's limit (its catalog entry, never a number of
// ours), each a frontal image plus reference images picked by dialog or dropped, named
// @Element1, @Element2... with a chip that writes the name into the prompt at its caret. Each
// image shows main's check (its size, or why it cannot be used). Hidden, with the reason, when
// the model has no elements field.
import { useState, type DragEvent } from 'react';
import type { BatchSettingsDto, ElementCheckDto as ElementCheck, ModelInfoDto } from '@common/contract';
import { api, errorText } from '../api';
import { useI18n } from '../i18n';
import { modelsThatHave } from '../lib/model-names';
import { useApp } from '../store/app-context';
import { showToast } from '../store/toasts';
import { Thumb } from './Thumb';
import './ElementsPanel.css';

type Element = NonNullable<BatchSettingsDto['elements']>[number];

/** What the contract carries at most, when the model's entry gives no limit. */
const CONTRACT_MAX = 20;

const baseName = (path: string) => path.split(/[\\/]/).pop() ?? path;

interface Props {
  /** The scan, whose media route serves the thumbnails of the element images it checked. */
  scanId: string;
  elements: readonly Element[];
  model: ModelInfoDto;
  checks: Record<string, ElementCheck>;
  checkError: string | null;
  onChange: (elements: Element[] | undefined) => void;
  /** Writes `@ElementN` into the prompt template at its caret. */
  onInsert: (n: number) => void;
}

export function ElementsPanel({ scanId, elements, model, checks, checkError, onChange, onInsert }: Props) {
  const { t } = useI18n();
  const { info, models } = useApp();
  const [notice, setNotice] = useState<string | null>(null);
  const limits = model.elements;
  if (!limits) {
    const others = modelsThatHave(models, (m) => !!m.elements);
    return (
      <p className="field-hint" data-testid="no-elements">
        {others.length > 0
          ? t('elements.unavailable', { model: model.displayName, models: others.join(', ') })
          : t('elements.unavailableNone', { model: model.displayName })}
      </p>
    );
  }
  const max = limits.max ?? CONTRACT_MAX;
  const maxRefs = limits.maxReferences ?? CONTRACT_MAX;
  const set = (next: Element[]) => onChange(next.length > 0 ? next : undefined);

  /** References beyond the model's limit are left out, and the user is told which. */
  const capped = (n: number, references: string[]) => {
    const dropped = references.slice(maxRefs);
    setNotice(
      dropped.length > 0
        ? t('elements.tooManyRefs', {
            refs: maxRefs,
            n,
            model: model.displayName,
            dropped: dropped.length,
            names: dropped.map(baseName).join(', '),
          })
        : null,
    );
    return references.slice(0, maxRefs);
  };
  const addElement = (paths: string[]) => {
    if (paths.length === 0 || elements.length >= max) return;
    const n = elements.length + 1;
    set([...elements, { frontal: paths[0]!, references: capped(n, paths.slice(1)) }]);
  };
  const update = (index: number, patch: Partial<Element>) =>
    set(elements.map((e, i) => (i === index ? { ...e, ...patch } : e)));
  const addReferences = (index: number, paths: string[]) =>
    update(index, { references: capped(index + 1, [...elements[index]!.references, ...paths]) });
  const pick = async (then: (paths: string[]) => void) => {
    try {
      const { paths } = await api().dialog.pickImages();
      if (paths.length > 0) then(paths);
    } catch (error) {
      showToast(errorText(error, t), 'error');
    }
  };
  /** A drop here is for the elements, not a new scan (the window's drop handler). */
  const dropped = (e: DragEvent, then: (paths: string[]) => void) => {
    e.preventDefault();
    e.stopPropagation();
    const paths = Array.from(e.dataTransfer.files)
      .map((file) => api().files.pathForFile(file))
      .filter((path) => path.length > 0);
    if (paths.length > 0) then(paths);
  };
  const over = (e: DragEvent) => {
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
  };

  const status = (path: string) => {
    const check = checks[path];
    if (!check) return <span className="muted small">{t('elements.checking')}</span>;
    if (!check.ok)
      return (
        <span className="field-error small" data-testid="element-image-error">
          {t('elements.bad', { name: baseName(path), reason: check.reason ?? '' })}
        </span>
      );
    return (
      <span className="muted small">
        {t('elements.size', { width: check.width ?? 0, height: check.height ?? 0 })}
      </span>
    );
  };
  /** The image as main checked it; a neutral tile until then (or when it cannot be used). */
  const thumb = (path: string) => {
    const n = checks[path]?.thumb;
    if (n === null || n === undefined)
      return <div className="thumb thumb-missing element-thumb" aria-hidden="true" />;
    return (
      <Thumb src={`${info.mediaBaseUrl}/scan/${encodeURIComponent(scanId)}/element/${n}/thumb`} size={40} />
    );
  };

  return (
    <fieldset className="elements-panel" data-testid="elements-panel">
      <legend>{t('elements.title')}</legend>
      <p className="field-hint">
        {t('elements.hint')} {t('elements.limit', { max, refs: maxRefs })}
      </p>
      {elements.length > 0 && (
        <ol className="element-list">
          {elements.map((element, i) => {
            const n = i + 1;
            return (
              <li
                key={i}
                className="element-card"
                data-testid="element-card"
                onDragOver={over}
                onDrop={(e) => dropped(e, (paths) => addReferences(i, paths))}
              >
                <div className="element-head">
                  <h3 className="element-name">{t('elements.element', { n })}</h3>
                  <button
                    type="button"
                    className="chip"
                    data-testid={`insert-element-${n}`}
                    onClick={() => onInsert(n)}
                    aria-label={t('elements.insert', { n })}
                  >
                    {`@Element${n}`}
                  </button>
                  <button
                    type="button"
                    className="button button-small element-remove"
                    onClick={() => set(elements.filter((_, k) => k !== i))}
                  >
                    {t('elements.remove', { n })}
                  </button>
                </div>
                <dl className="element-images">
                  <dt>{t('elements.frontal')}</dt>
                  <dd>
                    {thumb(element.frontal)}
                    <span className="mono" title={element.frontal}>
                      {baseName(element.frontal)}
                    </span>{' '}
                    {status(element.frontal)}{' '}
                    <button
                      type="button"
                      className="button button-small"
                      onClick={() => pick((paths) => update(i, { frontal: paths[0]! }))}
                    >
                      {t('elements.replaceFrontal')}
                    </button>
                  </dd>
                  <dt>{t('elements.references')}</dt>
                  <dd>
                    {element.references.length === 0 && (
                      <span className="muted small">{t('elements.noReferences')}</span>
                    )}
                    <ul className="element-refs">
                      {element.references.map((ref, k) => (
                        <li key={`${ref}-${k}`}>
                          {thumb(ref)}
                          <span className="mono" title={ref}>
                            {baseName(ref)}
                          </span>{' '}
                          {status(ref)}
                          <button
                            type="button"
                            className="button button-small"
                            aria-label={t('elements.removeRef', { name: baseName(ref), n })}
                            onClick={() =>
                              update(i, { references: element.references.filter((_, j) => j !== k) })
                            }
                          >
                            ×
                          </button>
                        </li>
                      ))}
                    </ul>
                    <button
                      type="button"
                      className="button button-small"
                      disabled={element.references.length >= maxRefs}
                      onClick={() => pick((paths) => addReferences(i, paths))}
                    >
                      {t('elements.addRefs')}
                    </button>
                  </dd>
                </dl>
              </li>
            );
          })}
        </ol>
      )}
      {notice && (
        <p className="note small" role="status">
          {notice}
        </p>
      )}
      {checkError && (
        <p className="field-error" role="alert">
          {checkError}
        </p>
      )}
      {elements.length < max ? (
        <div
          className="element-drop"
          data-testid="element-drop"
          onDragOver={over}
          onDrop={(e) => dropped(e, addElement)}
        >
          <button type="button" className="button" data-testid="add-element" onClick={() => pick(addElement)}>
            {t('elements.add')}
          </button>
          <span className="muted small">{t('elements.drop')}</span>
        </div>
      ) : (
        <p className="field-hint">{t('elements.full', { model: model.displayName, max })}</p>
      )}
      {elements.length > 0 && <p className="field-hint">{t('elements.dropOn')}</p>}
    </fieldset>
  );
}
