// Where to find what the picked model lacks: the names of a few catalog models that have it
// (end frames, reference elements), for the hint beside the missing control.
import type { ModelInfoDto } from '@common/contract';

export function modelsThatHave(
  models: readonly ModelInfoDto[],
  has: (model: ModelInfoDto) => boolean,
): string[] {
  return models
    .filter(has)
    .slice(0, 3)
    .map((m) => m.displayName);
}
