import type { ConsumerSchema } from '../../consumer-schema';
import type { Resolvers } from '../../../generated/use-an-lpa/v3';
import { AnyLpaUidScalar } from '../../../graphql/any-lpa-uid-scalar';
import { DateScalar } from '../../../graphql/date-scalar';
import { DateTimeScalar, FreshnessWithCurrency as Freshness } from '../../../graphql/freshness';
import { ActivationCodeCheck, ActivationCodeRefused, ActivationKeyLetterRequest } from '../v2/resolvers/activation-codes';
import { permissions, scopes } from './permissions';
import { ActivationCodeAccepted, Mutation } from './resolvers/activation-codes';
import { Lpa } from './resolvers/lpa';
import { LpaDeleted, LpaNotFound, LpaResult } from './resolvers/lpa-result';
import { Address, Person, TrustCorporation } from './resolvers/people';
import { Query } from './resolvers/query';

// Use an LPA v3: one combined LPA whichever system holds it, Sirius (7000-) or the LPA Store (M-).
const resolvers: Resolvers = {
  Date: DateScalar,
  DateTime: DateTimeScalar,
  AnyLpaUid: AnyLpaUidScalar,
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

export const useAnLpaV3: ConsumerSchema = { consumer: 'use-an-lpa', version: 'v3', resolvers, permissions, scopes };
