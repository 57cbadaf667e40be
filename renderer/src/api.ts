// The renderer's one door to main: `window.api` (built by preload/api.ts from the contract)
// plus the error handling every screen shares. Only types come from preload/, so the renderer
// bundle stays free of zod and of anything main-side.
import type { StillmotionApi } from '../../preload/api';
import type { ErrorCode, ErrorDetailDto } from '@common/contract';
import type { I18n } from './i18n';
import { ITEM_STATES } from './lib/states';
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
  /** Parameters of an error the window words itself (see `errorText`). */
  detail?: ErrorDetailDto;
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

/**
 * Plain words for any thrown value, in the user's language when the error carries its
 * parameters (a batch run elsewhere, an item in the wrong state); otherwise the handler's
 * message, which already says what to do.
 */
export function errorText(error: unknown, t?: I18n['t']): string {
  if (isApiFailure(error)) return (t && error.detail && detailText(error.detail, t)) || error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

function detailText(detail: ErrorDetailDto, t: I18n['t']): string | null {
  switch (detail.kind) {
    case 'batch_held': {
      const who = t(`errors.holder.${detail.ownerKind}`);
      if (detail.sameHost) return t('errors.batchHeldHere', { who, pid: detail.pid ?? '?' });
      return t('errors.batchHeldRemote', { who, host: detail.host ?? '?', seconds: detail.expiresInSeconds });
    }
    case 'batch_cancelled':
      return t('errors.batchCancelled', { name: detail.batchName });
    case 'item_not_actionable': {
      const state = isItemState(detail.state) ? t(`state.${detail.state}`) : detail.state;
      const vars = { file: detail.fileName, state };
      if (detail.action === 'review') return t('errors.itemNotReviewable', vars);
      return detail.action === 'retry'
        ? t('errors.itemNotRetryable', vars)
        : t('errors.itemNotResubmittable', vars);
    }
    case 'batch_not_found':
      return t('errors.batchNotFound', { batchId: detail.batchId });
    case 'item_not_found':
      return t('errors.itemNotFound', { itemId: detail.itemId });
    case 'invalid_value':
      return null; // the handler's message names the field, the value and what is expected
    case 'no_key':
      return t('errors.noKey');
    case 'watch_needs_folder':
      return t('errors.watchNeedsFolder');
    case 'preview_changed':
      return t('errors.previewChanged', {
        count: detail.toSend,
        cost: `$${detail.estimatedCostUsd.toFixed(2)}`,
      });
  }
}

function isItemState(state: string): state is (typeof ITEM_STATES)[number] {
  return (ITEM_STATES as readonly string[]).includes(state);
}
