// A failure reason with RunComfy's words cut to their cause: the lead-in that only names the
// request ("Generation failed for request 1379…:") goes, so a row shows the cause before it is
// cut off; the request id and the provider's whole text stay in the item's details. Pure and
// dependency-free beside reasons.ts, read by the window.
import type { Reason } from './reasons';

/**
 * The item's reason with RunComfy's words cut to their cause: "Generation failed for request
 * 1379…: the model could not animate this image" reads "the model could not animate this image",
 * so the cause is what a row shows before it is cut off; the request id and the provider's
 * whole text stay in the item's details. Other reasons come back as they are.
 */
export function causeFirst(value: Reason | null | undefined, requestId: string | null): Reason | null {
  if (!value) return null;
  const provider = value.params.provider;
  if (typeof provider !== 'string') return value;
  return { ...value, params: { ...value.params, provider: providerCause(provider, requestId) } };
}

/** Provider text without a lead-in that only names the request ("… request <id>: "). */
export function providerCause(text: string, requestId: string | null): string {
  const id = requestId ? requestId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : '[A-Za-z0-9_-]{6,128}';
  const leadIn = new RegExp(`^[^:]{0,80}\\brequest(?: id)?\\s+${id}\\s*[:;,.–-]\\s*`, 'i');
  const cause = text.replace(leadIn, '');
  return cause.trim() === '' ? text : cause;
}
