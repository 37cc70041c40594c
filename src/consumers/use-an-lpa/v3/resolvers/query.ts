import type { QueryResolvers } from '../../../../generated/use-an-lpa/v3';
import type { AnyLpaUid } from '../../../../graphql/any-lpa-uid-scalar';
import type { GatewayContext } from '../../../../graphql/gateway-context';
import { userInputError } from '../../../../graphql/user-input-error';
import { MAX_UIDS_PER_QUERY } from '../../v1/resolvers/query';
import { fromLpaStoreLookup, fromSiriusLookup } from '../lpa-lookup';

// Which system holds an LPA is known from its uid (the AnyLpaUid scalar parsed it): a 7000- uid
// is asked of Sirius, an M- uid of the LPA Store; each answer is mapped into the one combined LPA.
function load({ loaders }: GatewayContext, uid: AnyLpaUid) {
  return uid.system === 'sirius'
    ? loaders.lpa.load({ kind: 'uid', value: uid.uid }).then(fromSiriusLookup)
    : loaders.lpaStoreLpa.load(uid.uid).then(fromLpaStoreLookup);
}

export const Query: QueryResolvers = {
  lpa: (_root, { uid }, context) => load(context, uid),
  lpas: (_root, { uids }, context) => {
    if (uids.length > MAX_UIDS_PER_QUERY) throw userInputError(`uids may name at most ${MAX_UIDS_PER_QUERY} LPAs in one query.`, 'uids');
    return uids.map((uid) => load(context, uid));
  },
};
