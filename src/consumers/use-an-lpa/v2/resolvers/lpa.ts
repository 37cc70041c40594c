import type { LpaResolvers } from '../../../../generated/use-an-lpa/v2';
import { Lpa as LpaV1 } from '../../v1/resolvers/lpa';
import { activeAttorneys } from '../../v1/mappers';

// As v1, except that attorneys who can no longer act are never listed (v1 flagged them isActive).
const { activeAttorneys: _listedAsAttorneysInV2, ...unchanged } = LpaV1;

export const Lpa: LpaResolvers = {
  ...unchanged,
  attorneys: ({ lpa }) => activeAttorneys(lpa),
  trustCorporations: ({ lpa }) => (lpa.trustCorporations ?? []).filter((corporation) => corporation.systemStatus !== false),
};
