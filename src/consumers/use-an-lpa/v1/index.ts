import type { ConsumerSchema } from '../../consumer-schema';
import type { Resolvers } from '../../../generated/use-an-lpa/v1';
import { DateScalar } from '../../../graphql/date-scalar';
import { DateTimeScalar, Freshness } from '../../../graphql/freshness';
import { Address } from './resolvers/address';
import { Lpa } from './resolvers/lpa';
import { LpaDeleted, LpaNotFound } from './resolvers/lpa-outcomes';
import { LpaResult } from './resolvers/lpa-result';
import { Person } from './resolvers/person';
import { permissions, scopes } from './permissions';
import { Query } from './resolvers/query';
import { TrustCorporation } from './resolvers/trust-corporation';

const resolvers: Resolvers = {
  Date: DateScalar,
  DateTime: DateTimeScalar,
  Freshness,
  Query,
  LpaResult,
  Lpa,
  LpaNotFound,
  LpaDeleted,
  Person,
  TrustCorporation,
  Address,
};

export const useAnLpaV1: ConsumerSchema = { consumer: 'use-an-lpa', version: 'v1', resolvers, permissions, scopes };
