// The renderer's one door to main: `window.api` (built by preload/api.ts from the contract)
// plus the error handling every screen shares. Only types come from preload/, so the renderer
// bundle stays free of zod and of anything main-side.
import type { StillmotionApi } from '../../preload/api';
import type { ErrorCode } from '../../preload/contract';
import '../../preload/api-types';

export type Api = StillmotionApi;

export function api(): Api {
  return window.api;
}

/**
 * The shape a failed call throws (preload/api.ts `ApiError`). Checked by shape, not by
 * `instanceof`: in the browser harness the class lives in another bundle.
 */
export interface ApiFailure {
  code: ErrorCode;
  message: string;
}

export function isApiFailure(error: unknown): error is ApiFailure {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'string' &&
    typeof (error as { message?: unknown }).message === 'string'
  );
}

export function hasCode(error: unknown, code: ErrorCode): boolean {
  return isApiFailure(error) && error.code === code;
}

/** Plain words for any thrown value; handler messages already say what to do. */
export function errorText(error: unknown): string {
  if (isApiFailure(error)) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
