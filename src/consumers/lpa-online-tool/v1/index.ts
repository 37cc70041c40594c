import type { ConsumerSchema } from '../../consumer-schema';
import type { Resolvers } from '../../../generated/lpa-online-tool/v1';
import { DateScalar } from '../../../graphql/date-scalar';
import { DateTimeScalar, Freshness } from '../../../graphql/freshness';
import { LpaSummary } from './resolvers/lpa-summary';
import { LpaDeleted, LpaNotFound, LpaSummaryResult } from './resolvers/lpa-summary-result';
import { permissions, scopes } from './permissions';
import { Query } from './resolvers/query';

const resolvers: Resolvers = { Date: DateScalar, DateTime: DateTimeScalar, Freshness, Query, LpaSummaryResult, LpaSummary, LpaNotFound, LpaDeleted };

export const lpaOnlineToolV1: ConsumerSchema = { consumer: 'lpa-online-tool', version: 'v1', resolvers, permissions, scopes };
