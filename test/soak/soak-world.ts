// The world a night-test run works in: the images it turns into videos, the memory of a CLI
// process as the OS reports it, and the two simulators' ledgers seen as one.
import { readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Ledger } from '../../main/core/simulator/types';
import type { Random } from '../../main/core/util/clock';

/** `count` distinct solid-colour PNGs of 320x320 (Kling's 300 px minimum), seeded colours. */
export async function makeSoakImages(dir: string, count: number, random: Random): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const used = new Set<number>();
  for (let i = 0; i < count; i++) {
    let rgb: number;
    do rgb = Math.floor(random() * 0x1000000);
    while (used.has(rgb));
    used.add(rgb);
    await sharp({
      create: {
        width: 320,
        height: 320,
        channels: 3,
        background: { r: rgb >> 16, g: (rgb >> 8) & 0xff, b: rgb & 0xff },
      },
    })
      .png()
      .toFile(join(dir, `still-${String(i).padStart(4, '0')}.png`));
  }
}

/** A process's resident memory in bytes (null: gone, or no /proc here). */
export function readRss(pid: number): number | null {
  try {
    const match = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/**
 * One ledger of two simulators on one clock (their request ids differ by seed): every request,
 * in time order, and every job.
 */
export function mergeLedgers(a: Ledger, b: Ledger): Ledger {
  const byTime = <T extends { at: number }>(x: T[], y: T[]) => [...x, ...y].sort((p, q) => p.at - q.at);
  return {
    submits: byTime(a.submits, b.submits),
    polls: byTime(a.polls, b.polls),
    cancels: byTime(a.cancels, b.cancels),
    charges: byTime(a.charges, b.charges),
    downloads: byTime(a.downloads, b.downloads),
    jobs: new Map([...a.jobs, ...b.jobs]),
    environment: {
      outage: a.environment?.outage ?? b.environment?.outage ?? null,
      jobsWithoutOutputUrl: new Set([
        ...(a.environment?.jobsWithoutOutputUrl ?? []),
        ...(b.environment?.jobsWithoutOutputUrl ?? []),
      ]),
    },
  };
}
