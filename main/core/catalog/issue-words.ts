// Turns zod issues into sentences a user can act on: the field, the value, what was expected.
// Schemas in the catalog carry their own expectations as messages ("must be a whole number
// from 3 to 15 seconds"); this adds the field in front and the offending value behind.
import type { z } from 'zod';

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

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function fieldName(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'request';
  return path
    .map((key, index) =>
      typeof key === 'number' ? `[${key + 1}]` : index === 0 ? String(key) : `.${String(key)}`,
    )
    .join('');
}

/** One issue as "duration must be a whole number from 3 to 15 seconds, got 20". */
export function describeIssue(issue: z.core.$ZodIssue, input: unknown, context = 'this model'): string {
  const field = fieldName(issue.path);
  if (issue.code === 'unrecognized_keys')
    return issue.keys.map((key) => `${key} is not accepted by ${context}; remove it`).join('; ');
  // Cross-field refinements state the values in their own words (params.valueInMessage).
  if (issue.code === 'custom' && (issue.params as { valueInMessage?: boolean } | undefined)?.valueInMessage)
    return `${field} ${issue.message}`;
  const value = 'input' in issue && issue.input !== undefined ? issue.input : valueAt(input, issue.path);
  if (value === undefined && issue.code === 'invalid_type') return `${field} is required but missing`;
  // zod's own default messages start with a capital ("Invalid input"); ours with "must".
  const message = issue.message.charAt(0).toLowerCase() + issue.message.slice(1);
  return `${field} ${message}, got ${showValue(value)}`;
}

export function describeIssues(error: z.ZodError, input: unknown, context?: string): string {
  return error.issues.map((issue) => describeIssue(issue, input, context)).join('; ');
}
