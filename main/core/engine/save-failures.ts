// The failure codes that mean "paid, not saved": the generation succeeded (RunComfy bills it),
// only fetching or writing its video failed. The download phase writes exactly these when it
// ends an item failed (its `fail` accepts no other code), and Retry reads them to fetch the same
// video again instead of paying for a new one.

/** What the download phase writes when it gives up on saving a paid video. */
export const SAVE_FAILURE_CODES = ['download_failed', 'bad_output_path', 'unsafe_output_url'] as const;
export type SaveFailureCode = (typeof SAVE_FAILURE_CODES)[number];

/** Save failures older builds wrote, still in users' databases ('output_folder' is a batch condition now). */
const EARLIER_SAVE_FAILURE_CODES = ['file_error', 'output_folder'] as const;

const ALL_SAVE_FAILURES: ReadonlySet<string> = new Set([
  ...SAVE_FAILURE_CODES,
  ...EARLIER_SAVE_FAILURE_CODES,
]);

/** Whether an item's error code says its paid video was not saved. */
export function isSaveFailure(errorCode: string | null): boolean {
  return errorCode !== null && ALL_SAVE_FAILURES.has(errorCode);
}
