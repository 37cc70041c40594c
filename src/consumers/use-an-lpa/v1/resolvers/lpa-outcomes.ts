import type { LpaDeletedResolvers, LpaNotFoundResolvers } from '../../../../generated/use-an-lpa/v1';
import { formatLpaUid } from '../../../../sirius/lpa-reference';

export const LpaNotFound: LpaNotFoundResolvers = {
  uid: ({ ref }) => formatLpaUid(ref.value),
};

export const LpaDeleted: LpaDeletedResolvers = {
  uid: ({ ref }) => formatLpaUid(ref.value),
  freshness: ({ freshness }) => freshness,
};
