// The night test's environment faults: what a real night does around the app, beyond the API's
// own faults. Four are the simulator's (CDN lag, a download outage, a proxy's HTML 404, a
// success without a video URL); the rest the driver does to the machine while the CLI runs:
// source images deleted mid-batch, the output drive unplugged and plugged back, the output
// folder read-only for a while, a resume through another RUNCOMFY_API_BASE, and a restart
// before the key is set. Each starts once the batch has settled a set fraction of its items.
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import type { EnvironmentFaults } from '../../main/core/simulator/types';

/** A fault the driver does to the machine: starts at a settled fraction, lasts `realMs`. */
export interface TimedFault {
  /** Fraction of the batch settled when it starts. */
  at: number;
  /** How long it lasts, in real ms (the clock factor turns it into simulated minutes). */
  realMs: number;
}

export interface SoakEnvironment {
  /** Simulator: video links answer a bare 404 this long (simulated ms) after the job ended. */
  cdnLagMs?: number;
  /**
   * Simulator: downloads are reset (or get a 503) for a while: from a set or seeded simulated
   * time, or (with `at`) once that fraction of the batch settled, so it meets downloads
   * however slow the machine is.
   */
  downloadOutage?: NonNullable<EnvironmentFaults['downloadOutage']> & { at?: number };
  /** Simulator: probability of a proxy's HTML 404 per status/result request. */
  proxyHtml404?: number;
  /** Simulator: probability per job of a success without a video URL. */
  missingOutputUrl?: number;
  /** Delete `count` source images of still-queued items once `at` of the batch settled. */
  deleteSources?: { at: number; count: number };
  /**
   * The output drive is unplugged (the folder renamed away) and plugged back. Whatever the app
   * wrote to the bare mount point meanwhile ends up hidden under the remounted drive: it is
   * moved aside to `<output>.hidden-by-remount`, as the mount would hide it.
   */
  outputUnplugged?: TimedFault;
  /**
   * The output folder is read-only for a while: a read-only bind mount of it onto itself (we
   * run as root, where chmod does not stop writes); where mounting is not allowed, a file
   * stands where the folder should be.
   */
  outputReadOnly?: TimedFault;
  /** The CLI is stopped (Ctrl-C) and resumed through a second simulator for a while, then back. */
  baseSwitch?: TimedFault;
  /** The CLI is stopped (Ctrl-C) and resumed with no key (it must refuse); the key comes later. */
  lateKey?: TimedFault;
}

export type EnvironmentFaultName = keyof SoakEnvironment;
export const ENVIRONMENT_FAULT_NAMES: readonly EnvironmentFaultName[] = [
  'cdnLagMs',
  'downloadOutage',
  'proxyHtml404',
  'missingOutputUrl',
  'deleteSources',
  'outputUnplugged',
  'outputReadOnly',
  'baseSwitch',
  'lateKey',
];

/** The night's environment (npm run soak -- --env-faults), sized for 500 items at clock x50. */
export const NIGHT_ENVIRONMENT: Required<SoakEnvironment> = {
  cdnLagMs: 60_000,
  downloadOutage: { durationMs: 5 * 60_000, withinMs: 30 * 60_000, kind: 'reset' },
  proxyHtml404: 0.02,
  missingOutputUrl: 0.01,
  deleteSources: { at: 0.3, count: 5 },
  outputReadOnly: { at: 0.15, realMs: 6_000 },
  outputUnplugged: { at: 0.25, realMs: 8_000 },
  lateKey: { at: 0.4, realMs: 5_000 },
  baseSwitch: { at: 0.5, realMs: 6_000 },
};

/** The short soak's (soak-night-env.test.ts), sized for 60 images at clock x50 (1 s real = 50 s simulated): each fault hits a few items. */
export const SHORT_ENVIRONMENT: Required<SoakEnvironment> = {
  cdnLagMs: 30_000,
  downloadOutage: { at: 0.2, durationMs: 2 * 60_000, kind: 'reset' },
  proxyHtml404: 0.03,
  missingOutputUrl: 0.08,
  deleteSources: { at: 0.1, count: 3 },
  outputReadOnly: { at: 0.15, realMs: 2_000 },
  outputUnplugged: { at: 0.3, realMs: 2_500 },
  lateKey: { at: 0.45, realMs: 1_500 },
  baseSwitch: { at: 0.6, realMs: 3_000 },
};

export function simulatorEnvironment(env: SoakEnvironment): EnvironmentFaults {
  const outage = env.downloadOutage;
  return {
    cdnLagMs: env.cdnLagMs,
    // One started by the driver is not planned from the start.
    downloadOutage: outage && outage.at === undefined ? outage : undefined,
    proxyHtml404: env.proxyHtml404,
    missingOutputUrl: env.missingOutputUrl,
  };
}

export interface EnvironmentEvent {
  name: EnvironmentFaultName;
  startedAtReal: number;
  endedAtReal: number | null;
  /** What was done, in words (which files, which method). */
  detail: string;
}

interface DirectorContext {
  outputDir: string;
  dbPath: string;
  /** A data folder with no stored key, so a key-less CLI cannot find one elsewhere. */
  emptyDataDir: string;
  /** The second simulator's base URL (baseSwitch). */
  otherBaseUrl: string | null;
  log: (line: string) => void;
  /** Stops the running CLI as a person would (Ctrl-C), if one runs. */
  stopChild: () => Promise<void>;
  /** Starts the simulator's download outage now, for `durationMs` simulated. */
  startDownloadOutage: (durationMs: number, kind: 'reset' | '503') => void;
}

/** What the director needs to know of the CLI process the driver runs now. */
export interface ChildView {
  startedAtReal: number;
  /** 0 while it runs. */
  endedAtReal: number;
  /** When it first wrote to the database (at work, past loading its sources); null: not yet. */
  firstWriteAt: number | null;
}

interface Active {
  name: EnvironmentFaultName;
  isOver: (child: ChildView, now: number) => boolean;
  event: EnvironmentEvent;
  end: () => Promise<void>;
}

/** However the CLI behaves, a restart fault ends this long (real ms) after its window at most. */
const RESTART_FAULT_GRACE_MS = 30_000;

/** Plays the machine-side faults one at a time, in order of their start fraction. */
export class EnvironmentDirector {
  readonly events: EnvironmentEvent[] = [];
  /** Source images deleted, with their items (the checker accepts these failing). */
  readonly deletedSources: { itemId: number; path: string }[] = [];
  /** Environment the next CLI gets on top of the usual one (null: the usual one). */
  overrides: NodeJS.ProcessEnv | null = null;
  /** A key-less resume has had its go: no CLI is started until the key is "set". */
  private keylessSince: number | null = null;
  private active: Active | null = null;
  private readonly pending: { name: EnvironmentFaultName; at: number }[];

  constructor(
    private readonly env: SoakEnvironment,
    private readonly ctx: DirectorContext,
  ) {
    const machine: EnvironmentFaultName[] = [
      ...(env.downloadOutage?.at !== undefined ? (['downloadOutage'] as const) : []),
      'deleteSources',
      'outputUnplugged',
      'outputReadOnly',
      'baseSwitch',
      'lateKey',
    ];
    this.pending = machine
      .filter((name) => env[name] !== undefined)
      .map((name) => ({ name, at: (env[name] as { at: number }).at }))
      .sort((a, b) => a.at - b.at);
  }

  /** Whether a fault is playing now (another must not stop or replace the CLI meanwhile). */
  get busy(): boolean {
    return this.active !== null;
  }

  /** Whether the driver must not start a CLI after `child` ended (the key is not set yet). */
  holdRespawn(child: ChildView): boolean {
    return this.keylessSince !== null && child.startedAtReal >= this.keylessSince;
  }

  /** Call on every driver tick with the settled fraction of the batch and the current CLI. */
  async tick(settledFraction: number, batchId: number | null, child: ChildView): Promise<void> {
    const now = Date.now();
    if (this.active?.isOver(child, now)) {
      const active = this.active;
      this.active = null;
      await active.end();
      active.event.endedAtReal = Date.now();
      this.ctx.log(`environment: ${active.name} over (${active.event.detail})`);
    }
    if (this.active || batchId === null) return;
    const next = this.pending[0];
    if (!next || settledFraction < next.at) return;
    this.pending.shift();
    await this.start(next.name, batchId);
  }

  /** Ends whatever is active (the run is over or aborted): never leave a mount behind. */
  async finish(): Promise<void> {
    if (!this.active) return;
    const active = this.active;
    this.active = null;
    await active.end();
    active.event.endedAtReal = Date.now();
  }

  private record(name: EnvironmentFaultName, detail: string, realMs: number | null): EnvironmentEvent {
    const event: EnvironmentEvent = { name, startedAtReal: Date.now(), endedAtReal: null, detail };
    if (realMs === null) event.endedAtReal = event.startedAtReal;
    this.events.push(event);
    this.ctx.log(`environment: ${name} (${detail})`);
    return event;
  }

  private activate(
    name: EnvironmentFaultName,
    detail: string,
    realMs: number,
    end: () => Promise<void> | void,
  ) {
    const endsAt = Date.now() + realMs;
    this.activateUntil(name, detail, (_child, now) => now >= endsAt, end);
  }

  private activateUntil(
    name: EnvironmentFaultName,
    detail: string,
    isOver: Active['isOver'],
    end: () => Promise<void> | void,
  ) {
    const event = this.record(name, detail, 0);
    this.active = { name, isOver, event, end: async () => end() };
  }

  private async start(name: EnvironmentFaultName, batchId: number): Promise<void> {
    const { outputDir } = this.ctx;
    switch (name) {
      case 'downloadOutage': {
        const { durationMs, kind = 'reset' } = this.env.downloadOutage!;
        this.ctx.startDownloadOutage(durationMs, kind);
        this.record(
          name,
          `downloads ${kind === '503' ? 'answered 503' : 'reset'} for ${durationMs / 1000} s simulated`,
          null,
        );
        return;
      }
      case 'deleteSources': {
        const { count } = this.env.deleteSources!;
        const db = new Database(this.ctx.dbPath, { readonly: true, fileMustExist: true });
        const rows = db
          .prepare(
            `SELECT id, source_path AS path FROM items WHERE batch_id = ? AND state = 'queued' ORDER BY position DESC LIMIT ?`,
          )
          .all(batchId, count) as { id: number; path: string }[];
        db.close();
        for (const row of rows)
          if (existsSync(row.path)) {
            unlinkSync(row.path);
            this.deletedSources.push({ itemId: row.id, path: row.path });
          }
        this.record(
          name,
          `deleted ${rows.length} source image(s) of queued items ${rows.map((r) => r.id).join(', ')}`,
          null,
        );
        return;
      }
      case 'outputUnplugged': {
        const away = `${outputDir}.unplugged`;
        mkdirSync(outputDir, { recursive: true });
        renameSync(outputDir, away);
        this.activate(
          name,
          `output folder renamed away for ${this.env.outputUnplugged!.realMs} ms`,
          this.env.outputUnplugged!.realMs,
          () => {
            if (existsSync(outputDir)) {
              // The app wrote to the bare mount point: the remounted drive hides that.
              const hidden = `${outputDir}.hidden-by-remount`;
              rmSync(hidden, { recursive: true, force: true });
              renameSync(outputDir, hidden);
              this.events.at(-1)!.detail +=
                `; ${countFiles(hidden)} file(s) written meanwhile were hidden by the remount`;
            }
            renameSync(away, outputDir);
          },
        );
        return;
      }
      case 'outputReadOnly': {
        mkdirSync(outputDir, { recursive: true });
        const realMs = this.env.outputReadOnly!.realMs;
        if (mountReadOnly(outputDir)) {
          this.activate(name, `output folder bind-mounted read-only for ${realMs} ms`, realMs, () =>
            unmount(outputDir),
          );
          return;
        }
        const away = `${outputDir}.read-only-stand-in`;
        renameSync(outputDir, away);
        writeFileSync(outputDir, 'a file where the output folder should be\n');
        this.activate(
          name,
          `mount not allowed: a file stood where the output folder is, for ${realMs} ms`,
          realMs,
          () => {
            unlinkSync(outputDir);
            renameSync(away, outputDir);
          },
        );
        return;
      }
      case 'baseSwitch': {
        const { realMs } = this.env.baseSwitch!;
        await this.ctx.stopChild();
        this.overrides = { RUNCOMFY_API_BASE: this.ctx.otherBaseUrl ?? 'http://127.0.0.1:9' };
        const since = Date.now();
        // The window counts from when that CLI is at work (loading its sources takes seconds),
        // or ends when it stops by itself.
        this.activateUntil(
          name,
          `resumed through a second RUNCOMFY_API_BASE for ${realMs} ms of work`,
          (child, now) =>
            now > since + realMs + RESTART_FAULT_GRACE_MS ||
            (child.startedAtReal >= since &&
              (child.endedAtReal !== 0 ||
                (child.firstWriteAt !== null && now >= child.firstWriteAt + realMs))),
          async () => {
            this.overrides = null;
            await this.ctx.stopChild();
          },
        );
        return;
      }
      case 'lateKey': {
        const { realMs } = this.env.lateKey!;
        await this.ctx.stopChild();
        this.overrides = { RUNCOMFY_API_KEY: '', STILLMOTION_DATA_DIR: this.ctx.emptyDataDir };
        const since = Date.now();
        this.keylessSince = since;
        // One key-less resume, which must refuse; the key is "set" `realMs` after it ended.
        this.activateUntil(
          name,
          `resumed with no key; key set ${realMs} ms after it ended`,
          (child, now) =>
            now > since + realMs + RESTART_FAULT_GRACE_MS ||
            (child.startedAtReal >= since && child.endedAtReal !== 0 && now >= child.endedAtReal + realMs),
          async () => {
            this.overrides = null;
            this.keylessSince = null;
            // A key-less CLI still running (it should have refused) is stopped like any other.
            await this.ctx.stopChild();
          },
        );
        return;
      }
      default:
        throw new Error(`${name} is a simulator fault, not one the driver plays`);
    }
  }
}

function countFiles(dir: string): number {
  let n = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true }))
    n += entry.isDirectory() ? countFiles(`${dir}/${entry.name}`) : 1;
  return n;
}

/** A read-only bind mount of `dir` onto itself; false where this machine does not allow it. */
function mountReadOnly(dir: string): boolean {
  try {
    execFileSync('mount', ['--bind', '-o', 'ro', dir, dir], { stdio: 'ignore' });
  } catch {
    return false;
  }
  try {
    writeFileSync(`${dir}/.write-probe`, '');
    // Mounted but still writable (an old mount that ignores ro on bind): not read-only.
    unlinkSync(`${dir}/.write-probe`);
    unmount(dir);
    return false;
  } catch {
    return true;
  }
}

function unmount(dir: string): void {
  try {
    execFileSync('umount', [dir], { stdio: 'ignore' });
  } catch {
    // Busy (the CLI holds a file open there): detach it now, it goes once released.
    execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
  }
}
