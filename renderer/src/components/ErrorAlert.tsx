// An error the user must hear as it appears (role=alert), or nothing when there is none.

export function ErrorAlert({ error, testId }: { error: string | null | undefined; testId?: string }) {
  if (!error) return null;
  return (
    <p className="field-error" role="alert" data-testid={testId}>
      {error}
    </p>
  );
}
