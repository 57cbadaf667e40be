// The renderer's view of `window.api`: derived from buildApi (which the preload calls),
// never written by hand.
import type { StillmotionApi } from './api';

declare global {
  interface Window {
    api: StillmotionApi;
  }
}
