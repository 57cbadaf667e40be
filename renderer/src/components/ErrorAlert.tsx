// An error the user must hear as it appears (role=alert), or nothing when there is none.

export function ErrorAlert({
  error,
  id,
  testId,
}: {
  error: string | null | undefined;
  /** For a control's aria-describedby. */
  id?: string;
  testId?: string;
}) {
  if (!error) return null;
  return (
    <p className="field-error" id={id} role="alert" data-testid={testId}>
      {error}
    </p>
  );
}
