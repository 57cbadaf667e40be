// Settings → Models → Add: pick a model from RunComfy's own list (RunComfyModelSearch: its schema
// and price come from RunComfy), or, for one RunComfy does not list, its id and optionally its
// input schema. Main asks for the start-image field when it cannot tell, and saves a user entry.
// A schema that does not parse is refused with the parser's message, tied to the schema field.
// Nothing is ever submitted to test the entry.
import { useId, useState } from 'react';
import { api, errorText } from '../api';
import { useI18n } from '../i18n';
import { useApp } from '../store/app-context';
import { showToast } from '../store/toasts';
import { CancelOrConfirm, Dialog } from './Dialog';
import { ErrorAlert } from './ErrorAlert';
import { RunComfyModelSearch } from './RunComfyModelSearch';

/** The browser's JSON parser message for a pasted schema, or null when it parses. */
function jsonProblem(text: string): string | null {
  if (!text.trim()) return null;
  try {
    JSON.parse(text);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

export function AddModelDialog({ onClose }: { onClose: () => void }) {
  const { t } = useI18n();
  const { setModels } = useApp();
  const ids = { id: useId(), schema: useId(), start: useId(), intro: useId() };
  const [modelId, setModelId] = useState('');
  const [schema, setSchema] = useState('');
  const [startField, setStartField] = useState('');
  const [candidates, setCandidates] = useState<string[] | null>(null);
  const [error, setError] = useState<{ field: 'id' | 'schema'; message: string } | null>(null);
  const [saving, setSaving] = useState(false);
  /** The RunComfy model being added from the list, while its start-image field is asked for. */
  const [picked, setPicked] = useState<string | null>(null);

  const schemaError = jsonProblem(schema);
  const shownError =
    schemaError !== null
      ? { field: 'schema' as const, message: t('models.schemaNotJson', { message: schemaError }) }
      : error;

  const save = async (fromList: string | null = picked) => {
    if (schemaError !== null && fromList === null) return;
    setSaving(true);
    setError(null);
    try {
      const answer = await api().models.add(
        fromList !== null
          ? { id: fromList, fromRunComfy: true, startImageField: startField.trim() || undefined }
          : {
              id: modelId.trim(),
              schema: schema.trim() || undefined,
              startImageField: startField.trim() || undefined,
            },
      );
      if (answer.status === 'needsStartImageField') {
        setPicked(fromList);
        setCandidates(answer.candidates);
        if (!startField && answer.candidates[0]) setStartField(answer.candidates[0]);
        return;
      }
      setModels(await api().models.list());
      showToast(t('models.added', { name: answer.model.displayName }));
      onClose();
    } catch (e) {
      const message = errorText(e);
      setError({ field: /schema/i.test(message) ? 'schema' : 'id', message });
    } finally {
      setSaving(false);
    }
  };

  const errorFor = (field: 'id' | 'schema') => (shownError?.field === field ? shownError.message : null);
  /** A field's id, and its hint and error tied to it (the error while there is one). */
  const control = (field: 'id' | 'schema', hint: string) => ({
    id: ids[field],
    'aria-invalid': errorFor(field) ? (true as const) : undefined,
    'aria-describedby': [hint, errorFor(field) ? `${ids[field]}-error` : null].filter(Boolean).join(' '),
  });

  return (
    <Dialog
      title={t('models.addTitle')}
      onClose={onClose}
      wide
      testId="add-model-dialog"
      footer={
        <CancelOrConfirm
          onCancel={onClose}
          label={t('models.save')}
          disabled={saving || (picked === null && (modelId.trim().length < 3 || schemaError !== null))}
          onConfirm={() => void save()}
        />
      }
    >
      <RunComfyModelSearch busy={saving} onAdd={(id) => void save(id)} />
      <details
        className="add-model-by-id"
        open={picked === null && (modelId !== '' || schema !== '') ? true : undefined}
      >
        <summary>{t('models.addNotListed')}</summary>
        <p className="field-hint" id={ids.intro}>
          {t('models.addIntro')}
        </p>
        <div className="field">
          <label htmlFor={ids.id}>{t('models.id')}</label>
          <input
            {...control('id', ids.intro)}
            type="text"
            className="mono"
            value={modelId}
            placeholder="vendor/model/image-to-video"
            autoFocus
            data-testid="add-model-id"
            onChange={(e) => setModelId(e.target.value)}
          />
          <ErrorAlert error={errorFor('id')} id={`${ids.id}-error`} />
        </div>
        <div className="field">
          <label htmlFor={ids.schema}>{t('models.schema')}</label>
          <textarea
            {...control('schema', `${ids.schema}-hint`)}
            rows={8}
            className="mono"
            value={schema}
            data-testid="add-model-schema"
            onChange={(e) => setSchema(e.target.value)}
          />
          <p className="field-hint" id={`${ids.schema}-hint`}>
            {t('models.schemaHint')}
          </p>
          <ErrorAlert error={errorFor('schema')} id={`${ids.schema}-error`} />
        </div>
      </details>
      {candidates && (
        <div className="field">
          <label htmlFor={ids.start}>{t('models.startField')}</label>
          <input
            id={ids.start}
            type="text"
            className="mono"
            list={`${ids.start}-list`}
            value={startField}
            aria-describedby={`${ids.start}-hint`}
            data-testid="add-model-start-field"
            onChange={(e) => setStartField(e.target.value)}
          />
          <datalist id={`${ids.start}-list`}>
            {candidates.map((c) => (
              <option key={c} value={c} />
            ))}
          </datalist>
          <p className="field-hint" id={`${ids.start}-hint`}>
            {t('models.startFieldHint')}
          </p>
        </div>
      )}
    </Dialog>
  );
}
