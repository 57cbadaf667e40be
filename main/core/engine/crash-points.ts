// Named points where the crash-recovery tests kill the engine with SIGKILL (a real crash: no
// finally blocks, no flush). STILLMOTION_CRASH_AT=<point> kills at the first pass through the
// point, <point>:<n> at the n-th. Unset (production), a crash point is one env lookup.
export const CRASH_POINTS = [
  'after-intent', // submit intent stored, request not yet sent
  'after-send', // request sent and answered (headers in), answer not read
  'after-answer', // answer read, request_id not yet stored
  'mid-poll', // status or result answer received, not yet stored
  'mid-download', // part of the video written to the temporary file
  'after-rename', // video moved into place, item not yet marked done
  'mid-sidecar', // item done, its sidecar written to a temporary file, not yet named
] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

const passes = new Map<CrashPoint, number>();

export function crashPoint(point: CrashPoint): void {
  const wanted = process.env.STILLMOTION_CRASH_AT;
  if (!wanted) return;
  const [name, nth = '1'] = wanted.split(':');
  if (name !== point) return;
  const count = (passes.get(point) ?? 0) + 1;
  passes.set(point, count);
  if (count === Number(nth)) process.kill(process.pid, 'SIGKILL');
}
