// What the night test's driver and checker both read the same way: JSON-lines files a CLI child
// appends to (a SIGKILL may cut the last line), and the database's record of items recovered as
// unknown_submit after a crash.
import type Database from 'better-sqlite3';
import { existsSync, readFileSync } from 'node:fs';

/** Submit faults after which the client cannot know whether a job exists. */
export const LOSSY_SUBMIT_FAULTS = new Set(['5xx', 'reset-before-body', 'reset-after-body', 'hang']);

/** An item as the checker reads it from the database (the `items` table is the ground truth). */
export interface ItemRow {
  id: number;
  state: string;
  request_id: string | null;
  error_code: string | null;
  rendered_prompt: string;
  output_path: string | null;
  output_sha256: string | null;
  part_path: string | null;
  attempts: number;
}

const RECOVERED_UNKNOWN = 'recovered at start-up: submit outcome unknown';

/** Every whole line of a JSON-lines file (none if it is missing); a line cut by SIGKILL is left out. */
export function readJsonLines<T>(path: string): T[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as T];
      } catch {
        return []; // a line cut by SIGKILL
      }
    });
}

/** The batch's items a start-up recovery called unknown_submit (a crash caught them submitting). */
export function recoveredAsUnknown(db: Database.Database, batchId: number): Set<number> {
  const rows = db
    .prepare(
      `SELECT DISTINCT e.item_id AS id FROM item_events e JOIN items i ON i.id = e.item_id
       WHERE i.batch_id = ? AND e.to_state = 'unknown_submit' AND e.reason = ?`,
    )
    .all(batchId, RECOVERED_UNKNOWN) as { id: number }[];
  return new Set(rows.map((r) => r.id));
}
