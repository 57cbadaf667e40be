// One prompts.csv row's own settings for its image (duration, audio, guidance, negative prompt,
// and fields by name), each checked against the model: a value the model cannot take refuses
// the item, naming the file, the row and the column. Split from plan-settings.ts.
import type { ScannedImage } from '../core-api';
import type { ModelInputValue } from '../domain';
import type { ModelSpec } from '../catalog/catalog';
import { durationAllowed, durationRule, fieldSchema } from '../catalog/catalog';
import { coerceFieldValue, csvFieldValues, valueAsGiven } from './model-request';
import { CSV_ROLE_COLUMNS } from './prompts-csv';
import { formatReason, reason, type Reason } from '@common/reasons';
import { charCount, guidanceRange, reject, ROLE_COLUMNS } from './plan-settings';

interface Overrides {
  duration?: number;
  generateAudio?: boolean;
  cfgScale?: number;
  negativePrompt?: string;
  fields: Record<string, ModelInputValue>;
}

export function readOverrides(image: ScannedImage, model: ModelSpec): Overrides {
  const row = image.csvRow;
  if (!row) return { fields: {} };
  const at = (column: string) => reason('plan_cell', { file: row.file, row: row.row, column });
  const out: Overrides = { fields: {} };
  const lacks = (column: string, what: Reason) =>
    reject(
      `csv_${column}_unsupported`,
      reason('plan_csv_unsupported', { model: model.displayName, what, at: at(column) }),
    );
  const { duration: durationColumn, audio: audioColumn, guidance: cfgColumn } = CSV_ROLE_COLUMNS;
  const negativeColumn = CSV_ROLE_COLUMNS.negativePrompt;
  const duration = row.values[durationColumn] ?? '';
  if (duration !== '') {
    const rule = durationRule(model);
    if (!rule) lacks(durationColumn, reason('plan_field_duration'));
    const n = /^\d+$/.test(duration) ? Number(duration) : NaN;
    if (!durationAllowed(rule!, n))
      reject(
        'csv_bad_duration',
        reason('plan_csv_bad_duration', {
          allowed: rule!.values
            ? reason('plan_seconds_one_of', {
                values:
                  rule!.values.length > 1
                    ? reason('plan_list_or', {
                        head: rule!.values.slice(0, -1).join(', '),
                        last: rule!.values.at(-1)!,
                      })
                    : rule!.values[0]!,
              })
            : reason('plan_seconds_range', { min: rule!.min, max: rule!.max }),
          model: model.displayName,
          value: duration,
          at: at(durationColumn),
        }),
      );
    out.duration = n;
  }
  const audio = (row.values[audioColumn] ?? '').toLowerCase();
  if (audio !== '') {
    if (['true', 'yes', 'y', '1', 'on'].includes(audio)) out.generateAudio = true;
    else if (['false', 'no', 'n', '0', 'off'].includes(audio)) out.generateAudio = false;
    else
      reject(
        `csv_bad_${audioColumn}`,
        reason('plan_csv_bad_yes_no', {
          column: audioColumn,
          value: row.values[audioColumn] ?? '',
          at: at(audioColumn),
        }),
      );
    if (out.generateAudio && !model.roles.audio) lacks(audioColumn, reason('plan_field_audio'));
  }
  const cfg = row.values[cfgColumn] ?? '';
  if (cfg !== '') {
    const range = guidanceRange(model);
    if (!range) lacks(cfgColumn, reason('plan_field_guidance'));
    // "0,7" is how a spreadsheet in a comma-decimal locale writes 0.7.
    const n = /^\d*[.,]?\d+$/.test(cfg) ? Number(cfg.replace(',', '.')) : NaN;
    if (!(n >= range!.min && n <= range!.max))
      reject(
        `csv_bad_${cfgColumn}`,
        reason('plan_csv_bad_number', {
          column: cfgColumn,
          min: range!.min,
          max: range!.max,
          value: cfg,
          at: at(cfgColumn),
        }),
      );
    out.cfgScale = n;
  }
  const negative = row.values[negativeColumn] ?? '';
  if (negative !== '') {
    if (!model.roles.negativePrompt) lacks(negativeColumn, reason('plan_field_negative'));
    const max = model.limits?.promptMaxChars;
    if (max !== undefined && charCount(negative) > max)
      reject(
        `csv_${negativeColumn}_too_long`,
        reason('plan_csv_text_too_long', {
          column: negativeColumn,
          length: charCount(negative),
          model: model.displayName,
          max,
          at: at(negativeColumn),
        }),
      );
    out.negativePrompt = negative;
  }
  for (const { field, column, value } of csvFieldValues(model, row.values, ROLE_COLUMNS)) {
    const typed = fieldSchema(model, field) ? value : valueAsGiven(value);
    const coerced = coerceFieldValue(model, field, typed);
    if (!coerced.ok) reject('csv_bad_field', `${coerced.message} ${formatReason(at(column))}`);
    else out.fields[field] = coerced.value;
  }
  return out;
}
