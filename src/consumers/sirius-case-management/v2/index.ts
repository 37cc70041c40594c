import type { ConsumerSchema } from '../../consumer-schema';
import type { Resolvers } from '../../../generated/sirius-case-management/v2';
import { AnyLpaUidScalar } from '../../../graphql/any-lpa-uid-scalar';
import { DateScalar } from '../../../graphql/date-scalar';
import { DateTimeScalar } from '../../../graphql/freshness';
import { permissions, scopes } from './permissions';
import { ActivationCodeStatus, CreatedActivationCode, RevokedActivationCode } from './resolvers/codes';
import { Mutation } from './resolvers/mutation';
import { Query } from './resolvers/query';

// Sirius case management v2: v1's activation codes for LPAs of either system, Sirius (7000-) or
// the LPA Store (M-), keyed as use-an-lpa v3 keys them (see schema/sirius-case-management/CHANGELOG.md).
// Types v2 did not change reuse v1's resolvers.
const resolvers: Resolvers = {
  Date: DateScalar,
  DateTime: DateTimeScalar,
  AnyLpaUid: AnyLpaUidScalar,
  Query,
  Mutation,
  CreatedActivationCode,
  RevokedActivationCode,
  ActivationCodeStatus,
};

export const siriusCaseManagementV2: ConsumerSchema = { consumer: 'sirius-case-management', version: 'v2', resolvers, permissions, scopes };
