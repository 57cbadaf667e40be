// Why an item failed, as a row and the details show it: in the reader's language, RunComfy's
// words cut to their cause (the request id and the provider's whole text are in the details).
import type { ItemViewDto } from '@common/contract';
import { causeFirst } from '@common/cause-first';
import { reasonText } from '@common/reasons';
import type { Language } from '../i18n';

export function itemReasonText(
  item: Pick<ItemViewDto, 'reason' | 'errorMessage' | 'requestId'>,
  language: Language,
): string | null {
  return reasonText(
    { reason: causeFirst(item.reason, item.requestId), message: item.errorMessage },
    language,
  );
}

/** RunComfy's own words about the item, whole (null when it said nothing). */
export function providerWords(item: Pick<ItemViewDto, 'reason'>): string | null {
  const provider = item.reason?.params.provider;
  return typeof provider === 'string' && provider !== '' ? provider : null;
}
