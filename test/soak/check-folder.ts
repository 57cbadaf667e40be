// The night test's judgement of the output folder on disk: every file is a done item's video or
// its sidecar (one that names the item's request id); no temporary file is left anywhere below
// it, and no settled item still records one.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import type { ItemRow } from './evidence';

/**
 * A temporary file by its name: hidden (`.x.mp4.part-12`, `.x.json.sm-12.tmp`: the engine's
 * temporary files all start with a dot, and no video or sidecar does), or a part or tmp file.
 */
const TEMPORARY_NAME = /^\.|\.part(-|$)|\.tmp$/;

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(path));
    else out.push(path);
  }
  return out;
}

export function judgeOutputFolder(
  outputDir: string,
  items: ItemRow[],
  isSettled: (state: string) => boolean,
): { partFiles: string[]; strayFiles: string[]; failures: string[] } {
  const failures: string[] = [];
  const done = items.filter((i) => i.state === 'done');
  const files = walk(outputDir);
  const partFiles = files.filter((f) => TEMPORARY_NAME.test(basename(f)));
  const claimed = new Set(done.map((i) => i.output_path));
  // A video's sidecar (engine/sidecar.ts) is claimed by it when it parses, sits beside that
  // video and names the request id the item stored (which the ledger checks hold).
  const doneByVideo = new Map(done.map((i) => [i.output_path, i]));
  const badSidecars: string[] = [];
  const isSidecar = (file: string) => {
    if (!file.endsWith('.json')) return false;
    let parsed: { video?: { file?: string }; requestId?: string };
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      badSidecars.push(`${relative(outputDir, file)} is not JSON`);
      return true;
    }
    const owner = doneByVideo.get(join(dirname(file), parsed.video?.file ?? ''));
    if (!owner) return false;
    if (owner.request_id !== parsed.requestId)
      badSidecars.push(
        `${relative(outputDir, file)} names ${parsed.requestId}, its item ${owner.request_id}`,
      );
    return true;
  };
  const strayFiles = files.filter((f) => !partFiles.includes(f) && !claimed.has(f) && !isSidecar(f));
  if (badSidecars.length > 0)
    failures.push(
      `${badSidecars.length} sidecar(s) do not describe their video: ${badSidecars.slice(0, 5).join('; ')}`,
    );
  if (partFiles.length > 0)
    failures.push(`${partFiles.length} temporary file(s) left: ${partFiles.slice(0, 5).join(', ')}`);
  if (strayFiles.length > 0)
    failures.push(
      `${strayFiles.length} file(s) in the output folder that no done item claims: ${strayFiles
        .slice(0, 5)
        .map((f) => relative(outputDir, f))
        .join(', ')}`,
    );
  const leftoverParts = items.filter((i) => isSettled(i.state) && i.part_path !== null);
  if (leftoverParts.length > 0)
    failures.push(`${leftoverParts.length} settled item(s) still record a temporary file (part_path)`);
  return { partFiles, strayFiles, failures };
}
