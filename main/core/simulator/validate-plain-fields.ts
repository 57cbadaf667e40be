// The fields of a plain model (not Kling 3.0) beyond its prompt and images, as the simulator
// checks them: its duration (a whole number, or in RunComfy's dialect text from a list such as
// "5"/"10") and the extra fields its catalog entry describes (`float`, `integer`, `string`,
// `boolean`, enums, ranges). Written from the simulator's own table, independent of the app.
import type { SimulatedField, SimulatedModel } from './simulated-models';
import type { Fail } from './field-checks';

const TYPE_MESSAGES: Record<SimulatedField['type'], { msg: string; type: string }> = {
  float: { msg: 'Input should be a valid number', type: 'float_type' },
  integer: { msg: 'Input should be a valid integer', type: 'int_type' },
  string: { msg: 'Input should be a valid string', type: 'string_type' },
  boolean: { msg: 'Input should be a valid boolean', type: 'bool_type' },
};

function hasType(value: unknown, type: SimulatedField['type']): boolean {
  switch (type) {
    case 'float':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
  }
}

/** The video length a request asks for, or null once its complaint is recorded. */
export function checkedDuration(model: SimulatedModel, value: unknown, fail: Fail): number | null {
  const field = model.fields.duration!;
  const { min, max, values, asText } = model.durations;
  if (asText && values) {
    if (typeof value !== 'string' || !values.map(String).includes(value)) {
      fail([field], {
        msg: `Input should be ${values.map((v) => `'${v}'`).join(' or ')}`,
        type: 'literal_error',
      });
      return null;
    }
    return Number(value);
  }
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    fail([field], { msg: 'Input should be a valid integer', type: 'int_type' });
    return null;
  }
  if (values ? !values.includes(value) : value < min || value > max) {
    fail([field], {
      msg: values ? `Input should be ${values.join(' or ')}` : `Input should be from ${min} to ${max}`,
      type: values ? 'literal_error' : 'value_error',
    });
    return null;
  }
  return value;
}

/** Checks each extra field present in `body` (null counts as absent, as upstream's Optional). */
export function checkExtraFields(model: SimulatedModel, body: Record<string, unknown>, fail: Fail): void {
  for (const [name, field] of Object.entries(model.extras ?? {})) {
    const value = body[name];
    if (value === undefined || value === null) continue;
    if (!hasType(value, field.type)) {
      fail([name], TYPE_MESSAGES[field.type]);
      continue;
    }
    if (field.enum && !field.enum.includes(value as string | number))
      fail([name], {
        msg: `Input should be ${field.enum.map((v) => `'${v}'`).join(', ')}`,
        type: 'literal_error',
      });
    else if (field.minimum !== undefined && (value as number) < field.minimum)
      fail([name], {
        msg: `Input should be greater than or equal to ${field.minimum}`,
        type: 'greater_than_equal',
      });
    else if (field.maximum !== undefined && (value as number) > field.maximum)
      fail([name], {
        msg: `Input should be less than or equal to ${field.maximum}`,
        type: 'less_than_equal',
      });
  }
}
