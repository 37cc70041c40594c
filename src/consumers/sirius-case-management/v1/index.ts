import type { ConsumerSchema } from '../../consumer-schema';
import type { Resolvers } from '../../../generated/sirius-case-management/v1';
import { DateScalar } from '../../../graphql/date-scalar';
import { DateTimeScalar } from '../../../graphql/freshness';
import { SiriusUidScalar } from '../../../graphql/lpa-uid-scalar';
import { permissions, scopes } from './permissions';
import { ActivationCodeStatus, CreatedActivationCode, RevokedActivationCode } from './resolvers/codes';
import { Mutation } from './resolvers/mutation';
import { Query } from './resolvers/query';

const resolvers: Resolvers = {
  Date: DateScalar,
  DateTime: DateTimeScalar,
  SiriusUid: SiriusUidScalar,
  Query,
  Mutation,
  CreatedActivationCode,
  RevokedActivationCode,
  ActivationCodeStatus,
};

export const siriusCaseManagementV1: ConsumerSchema = { consumer: 'sirius-case-management', version: 'v1', resolvers, permissions, scopes };
