// A value as a request error shows it: short, printable, never a whole data URI. The catalog's
// ajv errors (input-validation.ts) and the planner's field checks (model-request.ts) both put the
// offending value behind their words with it.

/** Short, printable form of a value for a message (long text and data URIs are abbreviated). */
export function showValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') {
    if (value.startsWith('data:')) return `a data URI of ${value.length} characters`;
    if (value.length > 80) return `${JSON.stringify(value.slice(0, 60))}... (${value.length} characters)`;
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'object' && value !== null) return 'an object';
  return String(value);
}
