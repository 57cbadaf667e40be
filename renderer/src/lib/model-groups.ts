// How the model picker orders 25+ models: the few this user made batches with most recently on
// top, then one group per family (its name's first word), families with a known price first;
// inside each group the models whose price is known before the others, in the catalog's order.
// A search narrows every group to the models whose name, family, id or alias has it.
import type { ModelInfoDto } from '@common/contract';

export interface ModelGroup {
  /** `recent`, or the family's name. */
  key: string;
  recent: boolean;
  models: ModelInfoDto[];
}

/** How many recently used models go on top. */
const RECENT = 3;

const priced = (m: ModelInfoDto) => m.price.per !== 'unknown';

export function matchesSearch(model: ModelInfoDto, search: string): boolean {
  const words = search.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const text = [model.displayName, model.family, model.id, ...model.aliases].join(' ').toLowerCase();
  return words.every((word) => text.includes(word));
}

/** Known price first, else the catalog's order (a stable sort keeps it). */
function knownPriceFirst(models: ModelInfoDto[]): ModelInfoDto[] {
  return [...models].sort((a, b) => Number(priced(b)) - Number(priced(a)));
}

export function pickerGroups(models: readonly ModelInfoDto[], search = ''): ModelGroup[] {
  const shown = models.filter((m) => matchesSearch(m, search));
  const recent = shown
    .filter((m) => m.lastUsedAt !== null)
    .sort((a, b) => b.lastUsedAt! - a.lastUsedAt!)
    .slice(0, RECENT);
  const onTop = new Set(recent.map((m) => m.id));
  const families = new Map<string, ModelInfoDto[]>();
  for (const model of shown) {
    if (onTop.has(model.id)) continue;
    const family = model.family || model.displayName;
    families.set(family, [...(families.get(family) ?? []), model]);
  }
  const groups = [...families.entries()]
    .map(([family, members]) => ({ key: family, recent: false, models: knownPriceFirst(members) }))
    .sort((a, b) => Number(b.models.some(priced)) - Number(a.models.some(priced)));
  return recent.length > 0 ? [{ key: 'recent', recent: true, models: recent }, ...groups] : groups;
}
