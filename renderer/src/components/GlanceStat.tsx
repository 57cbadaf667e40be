// One figure of the batch header at a glance: its value (in a tone) over its label and, for a
// figure held against a cap, a small meter of the share used (amber from 90 %).
export function GlanceStat({
  value,
  label,
  tone,
  note,
  share,
  testId,
  valueTestId,
}: {
  value: string;
  label: string;
  /** A second line under the label (e.g. what may be paid besides what surely was). */
  note?: string;
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
      {note && <div className="glance-label glance-note">{note}</div>}
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
