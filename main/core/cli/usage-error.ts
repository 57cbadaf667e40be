// A mistake in how the CLI was called (exit code 2, one line on stderr). Kept in a module of its
// own so every command can throw it without loading the settings parser (and its catalog, zod).
export class UsageError extends Error {
  override name = 'UsageError';
}
