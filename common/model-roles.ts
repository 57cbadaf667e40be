// The parts of a request the app fills in itself (prompt, start image, duration...): the one
// list of model roles, pure and dependency-free, so the catalog's entries (main/core/catalog)
// and the IPC contract's model info name the same roles.

/**
 * Each model entry names the field that carries a role for that model (`start_image_url` for
 * Kling 3.0, `img_url` for Wan, `image` for Veo 3); a role the entry leaves out is not sent.
 */
export const ROLE_NAMES = [
  'prompt',
  'startImage',
  'endImage',
  'negativePrompt',
  'duration',
  'audio',
  'guidance',
  'multiShot',
  'elements',
] as const;
export type RoleName = (typeof ROLE_NAMES)[number];
