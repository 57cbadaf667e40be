// The contract is pure (it may not import main/), so it spells the domain's vocabularies out
// again. These checks keep the two copies equal: a state, reason or field added on one side
// only fails here, at compile time (expectTypeOf) and at run time (the enum lists).
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import {
  BATCH_STATES,
  ITEM_REVIEWS,
  ITEM_STATES,
  PAUSE_REASONS,
  type BatchSettings,
  type BatchView,
  type ItemView,
} from '../../main/core/domain';
import { ROLE_NAMES } from '../../main/core/catalog/entry';
import type { batchSettingsSchema, batchViewSchema, itemViewSchema } from '@common/contract';
import {
  batchStateSchema,
  itemReviewSchema,
  itemStateSchema,
  modelRoleSchema,
  pauseReasonSchema,
} from '@common/contract';

describe('contract and domain agree', () => {
  // Model ids are not an enum: they are data (main/core/catalog/models/*.json and the user's own).
  it('on every enum, in order', () => {
    expect(itemStateSchema.options).toEqual([...ITEM_STATES]);
    expect(batchStateSchema.options).toEqual([...BATCH_STATES]);
    expect(pauseReasonSchema.options).toEqual([...PAUSE_REASONS]);
    expect(itemReviewSchema.options).toEqual([...ITEM_REVIEWS]);
    // A model entry's roles: the catalog's list (main/core/catalog/entry.ts) and the contract's copy.
    expect(modelRoleSchema.options).toEqual([...ROLE_NAMES]);
  });

  it('on the shapes that cross IPC', () => {
    expectTypeOf<z.output<typeof batchSettingsSchema>>().toEqualTypeOf<BatchSettings>();
    expectTypeOf<z.output<typeof itemViewSchema>>().toEqualTypeOf<ItemView>();
    expectTypeOf<Omit<z.output<typeof batchViewSchema>, 'counts'>>().toEqualTypeOf<
      Omit<BatchView, 'counts'>
    >();
  });
});
