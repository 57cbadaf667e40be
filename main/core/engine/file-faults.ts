// Test-only spells of file errors on the output folder's writes. STILLMOTION_FILE_FAULTS names a
// control file the night test's driver writes while a spell lasts ("rate=0.5,codes=EBUSY,EMFILE,
// ETIMEDOUT,seed=3") and empties or removes when it ends; every file operation of the engine's
// FileOps (open, write, mkdir, link, rename: downloads and sidecars) then fails at that rate
// with an error shaped like Node's (code, syscall, path); with `trace=1` every operation is
// logged, so the soak sees which process wrote which file when. The control file is re-read at
// most every 100 ms, so a spell turns on and off in the running process. Unset (production),
// the engine's FileOps are returned as they are.
import { readFileSync } from 'node:fs';
import { faultDraw, logFault, parseFaultSpec, type FaultSpec } from '../util/fault-spec';
import type { FileOps } from './download-files';

/** Errors a busy, crowded or slow output folder gives: each is worth another try. */
const FILE_FAULT_CODES = ['EBUSY', 'EMFILE', 'ETIMEDOUT', 'EAGAIN', 'ENOSPC', 'EIO'] as const;
const MESSAGES: Record<string, string> = {
  EBUSY: 'resource busy or locked',
  EMFILE: 'too many open files',
  ETIMEDOUT: 'connection timed out',
  EAGAIN: 'resource temporarily unavailable',
  ENOSPC: 'no space left on device',
  EIO: 'i/o error',
};
/** Real ms between two reads of the control file. */
const REREAD_MS = 100;

interface Spell {
  text: string;
  spec: FaultSpec;
  draw: () => string | null;
}

/** The spell the control file describes now (null: none), read again after REREAD_MS. */
function spellReader(controlFile: string): () => Spell | null {
  let readAt = -Infinity;
  let spell: Spell | null = null;
  return () => {
    const now = performance.now();
    if (now - readAt < REREAD_MS) return spell;
    readAt = now;
    let text = '';
    try {
      text = readFileSync(controlFile, 'utf8').trim();
    } catch {
      text = ''; // no control file: no spell
    }
    if (text !== spell?.text) {
      const spec = text ? parseFaultSpec(text, 'STILLMOTION_FILE_FAULTS', FILE_FAULT_CODES) : null;
      spell = spec ? { text, spec, draw: faultDraw(spec) } : null;
    }
    return spell;
  };
}

/** `ops` failing as the control file named by STILLMOTION_FILE_FAULTS says; `ops` itself when unset. */
export function withFileFaults(ops: FileOps, env: Record<string, string | undefined> = process.env): FileOps {
  const controlFile = env.STILLMOTION_FILE_FAULTS?.trim();
  if (!controlFile) return ops;
  const current = spellReader(controlFile);
  const check = (syscall: string, path: string | null) => {
    const spell = current();
    if (!spell) return;
    const code = spell.draw();
    if (code || spell.spec.trace) logFault(spell.spec, { kind: 'file', code, syscall, path });
    if (!code) return;
    const where = path === null ? '' : ` '${path}'`;
    throw Object.assign(new Error(`${code}: ${MESSAGES[code] ?? code}, ${syscall}${where}`), {
      code,
      syscall,
      ...(path === null ? {} : { path }),
    });
  };
  // Which file each open handle writes, so a write's error and log line can name it.
  const paths = new WeakMap<object, string>();
  return {
    async write(handle, chunk) {
      check('write', paths.get(handle) ?? null);
      return ops.write(handle, chunk);
    },
    async open(path, flags) {
      check('open', path);
      const handle = await ops.open(path, flags);
      paths.set(handle, path);
      return handle;
    },
    async mkdir(path, recursive) {
      check('mkdir', path);
      return ops.mkdir(path, recursive);
    },
    async link(existingPath, newPath) {
      check('link', newPath);
      return ops.link(existingPath, newPath);
    },
    async rename(oldPath, newPath) {
      check('rename', newPath);
      return ops.rename(oldPath, newPath);
    },
  };
}
