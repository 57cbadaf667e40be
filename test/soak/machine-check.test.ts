// The machine guarantees of the night test's checker (machine-check.ts), each shown to fail on
// evidence made to break it and to pass on evidence that keeps it: a real database (the
// migrations, the job store), a ledger as the simulator keeps it, videos made of the simulator's
// own per-job bytes, and the fault log the CLI writes. No CLI runs: a full soak with machine
// faults takes minutes and is `npm run soak -- --machine-faults`.
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase } from '../../main/core/db/connection';
import { JobStore } from '../../main/core/db/store';
import { outputBuffer, outputLayout } from '../../main/core/simulator/output-video';
import type { Ledger } from '../../main/core/simulator/types';
import { makeImages, plannedItems, settingsFor, tempDir } from '../main/core/engine/helpers';
import type { KillRecord } from './soak-run';
import type { MachineRecord } from './machine';
import { checkMachine, machineFailures, servedRequestId } from './machine-check';

const LAYOUT = outputLayout(4096);
const TTL_MS = 20 * 60_000;
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

let dir: ReturnType<typeof tempDir>;
let dbPath: string;
let batchId: number;
let ids: number[];
let prompts: string[];

beforeEach(() => {
  dir = tempDir('sm-machine-check-');
  dbPath = join(dir.path, 'jobs.sqlite');
  const db = openDatabase(dbPath);
  const settings = settingsFor(join(dir.path, 'out'));
  batchId = new JobStore(db).batches.createBatch(
    settings,
    plannedItems(makeImages(dir.path, 4), settings),
    'b',
    1000,
  );
  const rows = db.prepare('SELECT id, rendered_prompt AS prompt FROM items ORDER BY id').all() as {
    id: number;
    prompt: string;
  }[];
  ids = rows.map((r) => r.id);
  prompts = rows.map((r) => r.prompt);
  closeDatabase(db);
});
afterEach(() => dir.remove());

/** Sets an item's row as the engine would have left it. */
function setItem(id: number, fields: Record<string, string | number | null>): void {
  const db = new Database(dbPath);
  const set = Object.keys(fields)
    .map((k) => `${k} = @${k}`)
    .join(', ');
  db.prepare(`UPDATE items SET ${set} WHERE id = @id`).run({ ...fields, id });
  db.close();
}

/** A done item whose file holds the served bytes of `servedId`. */
function doneItem(index: number, requestId: string, servedId = requestId): string {
  const path = join(dir.path, `video-${index}.mp4`);
  const bytes = outputBuffer(LAYOUT, servedId);
  writeFileSync(path, bytes);
  setItem(ids[index]!, {
    state: 'done',
    request_id: requestId,
    output_path: path,
    output_sha256: sha(bytes),
  });
  return path;
}

/** A ledger where every listed job was created by a clean submit of item `index`, succeeded and was billed. */
function ledgerOf(jobs: { id: string; index: number; fault?: string | null; at?: number }[]): Ledger {
  const ledger: Ledger = { submits: [], polls: [], cancels: [], charges: [], downloads: [], jobs: new Map() };
  for (const { id, index, fault = null, at = 10_000 } of jobs) {
    ledger.submits.push({
      at,
      modelId: 'm',
      payloadHash: 'p',
      imageHash: null,
      prompt: prompts[index]!,
      duration: 5,
      generateAudio: false,
      httpStatus: fault ? 502 : 200,
      created: true,
      requestId: id,
      fault,
      imagesReceived: [],
    });
    ledger.charges.push({ at, requestId: id, usd: 0.42 });
    const outputSha256 = sha(outputBuffer(LAYOUT, id));
    ledger.jobs.set(id, {
      requestId: id,
      modelId: 'm',
      imageHash: null,
      createdAt: at,
      startedAt: at,
      finishedAt: at + 60_000,
      status: 'succeeded',
      outputSha256,
    });
  }
  return ledger;
}

function machineRecord(overrides: Partial<MachineRecord> = {}): MachineRecord {
  const faultLog = join(dir.path, 'faults.jsonl');
  writeFileSync(faultLog, '');
  return {
    faults: {},
    events: [],
    suspensions: [],
    personWaits: [],
    refusedStarts: [],
    faultLog,
    maxClockOffsetMs: 0,
    leaseLossGraceMs: 1400,
    smallDiskMounted: true,
    ...overrides,
  };
}

function check(ledger: Ledger, machine = machineRecord(), kills: KillRecord[] = []) {
  return checkMachine({
    dbPath,
    batchId,
    ledger,
    outputTtlMs: TTL_MS,
    machine,
    kills,
    clockFactor: 50,
    sha256: (path) => sha(readFileSync(path)),
  });
}

describe("the checker's machine guarantees", () => {
  it('pass on a run that kept them all', () => {
    doneItem(0, 'req-a');
    doneItem(1, 'req-b');
    const report = check(
      ledgerOf([
        { id: 'req-a', index: 0 },
        { id: 'req-b', index: 1 },
      ]),
    );
    expect(machineFailures(report)).toEqual([]);
    expect(servedRequestId(join(dir.path, 'video-0.mp4'))).toBe('req-a');
  });

  it('fail on a billed request id the database lost after its answer arrived, naming the failed write', () => {
    doneItem(0, 'req-a');
    setItem(ids[1]!, { state: 'unknown_submit' });
    const machine = machineRecord();
    writeFileSync(
      machine.faultLog,
      JSON.stringify({
        at: 1,
        pid: 9,
        kind: 'db',
        code: 'SQLITE_IOERR',
        sql: 'UPDATE items SET request_id = :requestId',
        values: '[{"requestId":"req-b"}]',
      }) + '\n',
    );
    const ledger = ledgerOf([
      { id: 'req-a', index: 0 },
      { id: 'req-b', index: 1 },
      { id: 'req-lost-on-the-way', index: 2, fault: 'reset-after-body' },
    ]);
    const report = check(ledger, machine);
    expect(report.billedButUnknown).toEqual([
      expect.stringMatching(
        /^req-b \(item \d+ is 'unknown_submit'; the write storing it failed SQLITE_IOERR/,
      ),
    ]);
    // An answer the client never got (reset after the body) cannot be known: it is counted apart.
    expect(report.billedAnswerLost).toBe(1);
    expect(report.injected.dbOnRequestIdWrites).toBe(1);
    expect(machineFailures(report).join('\n')).toMatch(/1 billed request id\(s\) the database does not know/);
  });

  it('forgive an answer lost to a kill right after it left the server, not one long before the kill', () => {
    setItem(ids[0]!, { state: 'unknown_submit' });
    const db = new Database(dbPath);
    db.prepare(
      `INSERT INTO item_events (item_id, at, from_state, to_state, reason) VALUES (?, 20000, 'submitting', 'unknown_submit', 'recovered at start-up: submit outcome unknown')`,
    ).run(ids[0]);
    db.close();
    const kill = (simulatedAt: number) => [{ simulatedAt } as KillRecord];
    const ledger = ledgerOf([{ id: 'req-a', index: 0, at: 10_000 }]);
    expect(check(ledger, machineRecord(), kill(10_000 + 1_000 * 50)).billedButUnknown).toEqual([]);
    expect(check(ledger, machineRecord(), kill(10_000 + 5_000 * 50)).billedButUnknown).toHaveLength(1);
  });

  it("fail on a saved video holding another job's bytes, or bytes mixed from two writers", () => {
    doneItem(0, 'req-a', 'req-old');
    const mixed = doneItem(1, 'req-b');
    const bytes = readFileSync(mixed);
    bytes.writeUInt8(bytes.readUInt8(100) ^ 0xff, 100);
    writeFileSync(mixed, bytes);
    const report = check(
      ledgerOf([
        { id: 'req-a', index: 0 },
        { id: 'req-b', index: 1 },
      ]),
    );
    expect(report.wrongBytes).toEqual([
      expect.stringMatching(/video-0\.mp4 holds job req-old \(an earlier attempt, or no item's\)$/),
      expect.stringMatching(/video-1\.mp4 ends with its tag but its bytes differ/),
    ]);
    expect(report.wrongFiles).toHaveLength(2);
  });

  it('fail on a paid video failed while its link lived, not on one the server really let expire', () => {
    setItem(ids[0]!, { state: 'failed', request_id: 'req-a', error_code: 'file_error' });
    setItem(ids[1]!, { state: 'failed', request_id: 'req-b', error_code: 'file_error' });
    const ledger = ledgerOf([
      { id: 'req-a', index: 0 },
      { id: 'req-b', index: 1 },
    ]);
    const endOfLife = 10_000 + 60_000 + TTL_MS;
    const download = (requestId: string, at: number) =>
      ledger.downloads.push({ at, requestId, bytesSent: 0, httpStatus: 500, range: null, fault: null });
    download('req-a', endOfLife - 180_000);
    download('req-b', endOfLife + 1_000);
    const report = check(ledger);
    expect(report.givenUpWhileLinkLived).toEqual([
      expect.stringMatching(
        /^item \d+ \(req-a\) failed \(file_error\); last download 180 s before its link's end of life$/,
      ),
    ]);
  });

  it('fail on a wait for a person, a refused start, a lease loser naming files, and a silent download held on', () => {
    doneItem(0, 'req-a');
    const machine = machineRecord({
      personWaits: [{ atReal: 5, reason: 'disk_full', sinceFreedMs: 3_000, how: 'paused' }],
      refusedStarts: [{ pid: 7, atReal: 6, message: 'database is locked' }],
      suspensions: [
        {
          pid: 11,
          stoppedAtReal: 1_000,
          continuedAtReal: 8_000,
          leaseHolderAtContinue: 'cli:h:12',
          endedAtReal: 20_000,
        },
        // No resume took this one's lease (it held the write lock): it lost nothing.
        {
          pid: 13,
          stoppedAtReal: 1_000,
          continuedAtReal: 8_000,
          leaseHolderAtContinue: 'cli:h:13',
          endedAtReal: 20_000,
        },
      ],
    });
    const trace = (pid: number, at: number, syscall: string) =>
      JSON.stringify({ at, pid, kind: 'file', code: null, syscall, path: `/out/.v.mp4.part-1` }) + '\n';
    writeFileSync(
      machine.faultLog,
      // Before the stop and a write still under way are allowed; a link after SIGCONT and a
      // write once a lease renewal passed are not.
      trace(11, 500, 'write') +
        trace(11, 8_010, 'write') +
        trace(11, 8_020, 'link') +
        trace(11, 9_500, 'write') +
        trace(12, 9_600, 'link') +
        trace(13, 9_700, 'link'),
    );
    const ledger = ledgerOf([{ id: 'req-a', index: 0 }]);
    ledger.downloads.push(
      {
        at: 1,
        requestId: 'req-a',
        bytesSent: 0,
        httpStatus: 200,
        range: null,
        fault: 'silent-after-headers',
        silence: { heldMs: 900_000, closedBy: 'server' },
      },
      {
        at: 2,
        requestId: 'req-a',
        bytesSent: 9,
        httpStatus: 200,
        range: null,
        fault: 'silent-mid-body',
        silence: { heldMs: 30_000, closedBy: 'client' },
      },
    );
    const report = check(ledger, machine);
    expect(report.personWaits).toEqual([
      expect.stringMatching(/disk_full, CLI paused\) 3\.0 s after the disk was freed/),
    ]);
    expect(report.refusedStarts).toEqual(['pid 7: "database is locked"']);
    expect(report.leaseLoserWrites).toEqual([
      'pid 11 (lease lost to cli:h:12) made 2 file operation(s) from 20 ms after SIGCONT: link /out/.v.mp4.part-1, write /out/.v.mp4.part-1',
    ]);
    expect(report.silentHeld).toEqual([
      'req-a: silent-after-headers held 900 s simulated (the server had to cut it)',
    ]);
    expect(report.injected.silentDownloads).toBe(2);
    expect(machineFailures(report)).toHaveLength(4);
  });
  /**
   * The lease losers of pid 11, stopped at 1 s and continued at 8 s with the lease named for
   * pid 12 (its heir), which was killed at `heirKilledAt`; `ops` are pid 11's file operations.
   */
  function loserWritesWithHeirKilledAt(
    heirKilledAt: number,
    ops: [at: number, syscall: string, path: string][],
  ) {
    doneItem(0, 'req-a');
    const machine = machineRecord({
      suspensions: [
        {
          pid: 11,
          stoppedAtReal: 1_000,
          continuedAtReal: 8_000,
          leaseHolderAtContinue: 'cli:h:12',
          endedAtReal: 30_000,
        },
      ],
    });
    writeFileSync(
      machine.faultLog,
      ops
        .map(
          ([at, syscall, path]) =>
            JSON.stringify({ at, pid: 11, kind: 'file', code: null, syscall, path }) + '\n',
        )
        .join(''),
    );
    const kill = {
      index: 0,
      pid: 12,
      realMs: 4_000,
      atReal: heirKilledAt,
      simulatedAt: 0,
      cause: 'random' as const,
    };
    const report = check(ledgerOf([{ id: 'req-a', index: 0 }]), machine, [
      { ...kill, submitting: 0, inFlight: 0, downloading: 0, settled: 0, leaseWaitMs: 0 },
    ]);
    return report.leaseLoserWrites;
  }
  it("count a continued process's files only until the process that took its lease was killed", () => {
    // A link while the heir ran; then, the heir killed at 12 s, the batch taken back (its
    // orphaned lease is anyone's) and written as its holder.
    const part = '/out/.v.mp4.part-1';
    expect(
      loserWritesWithHeirKilledAt(12_000, [
        [9_000, 'link', part],
        [13_000, 'write', part],
        [13_500, 'rename', part],
      ]),
    ).toEqual([
      'pid 11 (lease lost to cli:h:12) made 1 file operation(s) from 1000 ms after SIGCONT: link /out/.v.mp4.part-1',
    ]);
  });
  it("count nothing of a continued process whose heir was killed before it continued (the lease was anyone's)", () => {
    // The database still named the heir at SIGCONT, but it had been killed at 5 s: the continued
    // process took the orphaned lease back and placed its video as the holder (seed 52).
    expect(
      loserWritesWithHeirKilledAt(5_000, [
        [8_260, 'link', '/out/v.mp4'],
        [8_280, 'link', '/out/v.json'],
      ]),
    ).toEqual([]);
  });
  it('allow a silent download the time its holder was stopped (it cannot cut what it cannot run)', () => {
    doneItem(0, 'req-a');
    const epoch = 1_000_000;
    const simulated = (real: number) => epoch + (real - epoch) * 50;
    // Stopped for 6 s real (300 s simulated) while a silence was held 365 s simulated.
    const machine = machineRecord({
      suspensions: [
        {
          pid: 11,
          stoppedAtReal: epoch + 10_000,
          continuedAtReal: epoch + 16_000,
          leaseHolderAtContinue: null,
          endedAtReal: null,
        },
      ],
    });
    const kill = {
      index: 0,
      pid: 3,
      realMs: 1_000,
      atReal: epoch + 1_000,
      simulatedAt: simulated(epoch + 1_000),
    };
    const kills = [
      {
        ...kill,
        cause: 'random' as const,
        submitting: 0,
        inFlight: 0,
        downloading: 0,
        settled: 0,
        leaseWaitMs: 0,
      },
    ];
    const ledger = ledgerOf([{ id: 'req-a', index: 0 }]);
    const silence = (at: number) =>
      ledger.downloads.push({
        at,
        requestId: 'req-a',
        bytesSent: 0,
        httpStatus: 200,
        range: null,
        fault: 'silent-after-headers',
        silence: { heldMs: 365_000, closedBy: 'client' },
      });
    silence(simulated(epoch + 9_000)); // over the stop
    silence(simulated(epoch + 30_000)); // after it: held too long
    expect(check(ledger, machine, kills).silentHeld).toEqual([
      'req-a: silent-after-headers held 365 s simulated',
    ]);
  });
});
