// One figure of the batch header at a glance: its value (in a tone) over its label and, for a
// figure held against a cap, a small meter of the share used (amber from 90 %).
export function GlanceStat({
  value,
  label,
  tone,
  share,
  testId,
  valueTestId,
}: {
  value: string;
  label: string;
  tone?: string;
  /** Spent against a cap (0 to 1); null or left out: no cap, no meter. */
  share?: number | null;
  testId?: string;
  valueTestId?: string;
}) {
  return (
    <div className="glance-stat" data-testid={testId}>
      <div className={tone ? `glance-value ${tone}` : 'glance-value'} data-testid={valueTestId}>
        {value}
      </div>
      <div className="glance-label">{label}</div>
      {share != null && (
        <div className="meter meter-small" aria-hidden="true">
          <div
            className={share >= 0.9 ? 'meter-fill meter-warn' : 'meter-fill'}
            style={{ width: `${share * 100}%` }}
          />
        </div>
      )}
    </div>
  );
}
