import type { ConsumerSchema } from '../../consumer-schema';
import type { Resolvers } from '../../../generated/use-an-lpa/v2';
import { DateScalar } from '../../../graphql/date-scalar';
import { DateTimeScalar, Freshness } from '../../../graphql/freshness';
import { LpaUidScalar } from '../../../graphql/lpa-uid-scalar';
import { Address } from '../v1/resolvers/address';
import { LpaDeleted, LpaNotFound } from '../v1/resolvers/lpa-outcomes';
import { LpaResult } from '../v1/resolvers/lpa-result';
import { permissions, scopes } from './permissions';
import { Lpa } from './resolvers/lpa';
import { Person, TrustCorporation } from './resolvers/people';
import { Query } from './resolvers/query';
import { ActivationCodeAccepted, ActivationCodeCheck, ActivationCodeRefused, ActivationKeyLetterRequest, Mutation } from './resolvers/activation-codes';

// Use an LPA v2: v1's data with its two traps removed (see schema/use-an-lpa/CHANGELOG.md).
// Types v2 did not change reuse v1's resolvers.
const resolvers: Resolvers = {
  Date: DateScalar,
  DateTime: DateTimeScalar,
  LpaUid: LpaUidScalar,
  Freshness,
  Query,
  Mutation,
  ActivationCodeCheck,
  ActivationCodeAccepted,
  ActivationCodeRefused,
  ActivationKeyLetterRequest,
  LpaResult,
  Lpa,
  LpaNotFound,
  LpaDeleted,
  Person,
  TrustCorporation,
  Address,
};

export const useAnLpaV2: ConsumerSchema = { consumer: 'use-an-lpa', version: 'v2', resolvers, permissions, scopes };
