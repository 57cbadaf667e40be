// Every schema step in order. Shipped steps are frozen: never edited, reordered or removed,
// because databases in the field already ran them (their user_version says so) and would never
// run a changed step again. A schema change is a new file with the next version, added last.
import { initial } from './001-initial';
import { runTimings } from './002-run-timings';
import { batchMode } from './003-batch-mode';
import { pendingLookup } from './004-pending-lookup';
import { batchCondition } from './005-batch-condition';
import { itemEndpoint } from './006-item-endpoint';
import { reasonCodes } from './007-reason-codes';
import { itemReview } from './008-item-review';
import { outputDirSeen } from './009-output-dir-seen';
import { queueOrderIndex } from './010-queue-order-index';
import { dailySpend } from './011-daily-spend';
import { sidecarPending } from './012-sidecar-pending';
import { attemptIdentity } from './013-attempt-identity';
import { accountQueue } from './014-account-queue';
import type { Migration } from './types';

export type { Migration } from './types';
export const MIGRATIONS: readonly Migration[] = [
  initial,
  runTimings,
  batchMode,
  pendingLookup,
  batchCondition,
  itemEndpoint,
  reasonCodes,
  itemReview,
  outputDirSeen,
  queueOrderIndex,
  dailySpend,
  sidecarPending,
  attemptIdentity,
  accountQueue,
];
export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
