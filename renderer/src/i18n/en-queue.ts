// English messages of the account's queue (the Batches screen's queue, a watching batch, the
// morning card, Settings → Queue), merged into the reference catalog (en.ts); zh-CN-queue.ts
// carries every key of it.
export const enQueue = {
  'queue.title': 'Queue',
  'queue.hint':
    'Running batches take free slots in this order. Drag a row, or focus it and press Alt+↑ / Alt+↓, to reorder.',
  'queue.empty': 'No batch is waiting or running.',
  'queue.position': 'Place {position}',
  'queue.counts': '{queued} queued · {inFlight} in flight',
  'queue.waiting.slot': 'Waits for a free slot',
  'queue.waiting.hours': 'Waits for its hours',
  'queue.waiting.hoursAt': 'Waits for its hours (from {time})',
  'queue.waiting.paused': 'Paused: keeps its place',
  'queue.waiting.draft': 'Not started',
  'queue.waiting.nothing': 'Sending',
  'queue.waiting.idle': 'Nothing waiting to be sent',
  'queue.watching': 'Watching its folders',
  'queue.window': 'Runs {window}',
  'queue.moveTop': 'Move to top',
  'queue.moveTopNamed': 'Move to top: {name}',
  'queue.moveUp': 'Move {name} up',
  'queue.moveDown': 'Move {name} down',
  'queue.pause': 'Pause',
  'queue.resume': 'Resume',
  'queue.open': 'Open',
  'queue.moved': '{name} is now in place {position}.',
  'queue.limit': 'At most {limit} at once across all batches · {inFlight} in flight',
  'queue.noLimit': 'No account-wide limit · {inFlight} in flight',
  'queue.lowered': 'Lowered to {limit} until {time}: RunComfy said too many were running (429)',

  'watch.title': 'Watching for new images',
  'watch.folders':
    'Each image put in {folders} is sent once it is completely copied, with this batch’s settings.',
  'watch.lastTaken': 'Last image taken: {name} at {time}',
  'watch.noneYet': 'No new image yet.',
  'watch.stop': 'Stop watching',
  'watch.stopped': 'Stopped watching: the batch ends when its videos are done.',

  'morning.title': 'While you were away',
  'morning.since': 'Since {time}',
  'morning.done': '{count} {count, plural, one {video} other {videos}} done',
  'morning.failed': '{count} did not make a video',
  'morning.spent': '{amount} spent',
  'morning.spentSimulated': '{amount} simulated (not charged)',
  'morning.unknown':
    '{count} sent whose answer was lost: check your RunComfy requests before sending them again',
  'morning.waiting': 'Waits for you: {name}',
  'morning.why': 'Why',
  'morning.times': '×{count}',
  'morning.review': 'Review',
  'morning.retry': 'Retry the failed…',
  'morning.dismiss': 'Got it',

  'when.section': 'When',
  'when.startAt': 'Start at',
  'when.startAtHint': 'Local time; empty: as soon as you press Start.',
  'when.window': 'Send only between',
  'when.windowAnd': 'and',
  'when.windowHint':
    'Local time; empty: any time. Outside these hours nothing new is sent; videos already sent finish and download.',
  'when.windowInvalid':
    'Give both times as HH:MM, and two different ones (22:00 and 07:00 runs through the night).',
  'when.watch': 'Keep watching these folders for new images',
  'when.watchHint':
    'Each image copied into the dropped folders later is sent once it is completely copied, with these settings (the cap still applies). Stop watching on the batch’s screen.',
  'when.summaryNow': 'Right away, any time',
  'when.summaryStart': 'Starts at {time}',
  'when.summaryWindow': 'only {from}–{to}',
  'when.summaryWatch': 'then watches its folders',

  'settings.queue': 'Queue',
  'settings.queueLimit': 'Generations at once across all batches',
  'settings.queueLimitHint':
    'Shared by every batch, the app and any command-line run on this computer. RunComfy refuses more than your account allows; empty: each batch keeps its own limit.',
  'settings.queueLimitInvalid': 'A whole number from 1 to 100, or empty.',
  'settings.defaultStart': 'New batches start at',
  'settings.defaultWindow': 'New batches send only between',
  'settings.defaultWindowAnd': 'and',
  'settings.defaultScheduleHint':
    'Local time; empty: any time. Videos already sent finish outside the hours.',
} as const;
