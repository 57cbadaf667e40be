// The item states: the one list of where an item can be. Pure and dependency-free like
// reasons.ts, so the domain (and through it the database, the engine and the IPC contract) and
// the renderer read the same list. The transitions between them are the domain's
// (main/core/domain/states.ts); what a person may do in each is item-actions.ts. A new state
// needs a new migration too (the shipped ones hold their lists literally).

/** Where an item is. `queued -> submitting -> in_queue -> in_progress -> downloading -> done`. */
export const ITEM_STATES = [
  'queued', // planned, not yet sent
  'submitting', // intent recorded, submit request on the wire
  'in_queue', // the API accepted it (request_id stored) and it waits for a slot
  'in_progress', // generating: will be billed, cannot be cancelled
  'downloading', // succeeded; the video is being fetched
  'done', // the video is on disk
  'failed', // the API or the download said no, with a reason
  'cancelled', // cancelled before it was paid for
  'expired', // the API no longer knows the request (404001), or the video URL expired
  'unknown_submit', // sent, but the answer was lost: maybe paid, never resent silently
  'rejected', // the input could not be used (bad image, bad template row); never sent
  'skipped', // the same image and request were already generated; never sent
] as const;
export type ItemState = (typeof ITEM_STATES)[number];

/**
 * The user's verdict on a finished video (the morning review); null is "not reviewed yet".
 * Stored in items.review (migration 8 holds this list literally).
 */
export const ITEM_REVIEWS = ['kept', 'rejected'] as const;
export type ItemReview = (typeof ITEM_REVIEWS)[number];
