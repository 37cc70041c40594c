import type { QueryResolvers } from '../../../../generated/use-an-lpa/v1';
import { userInputError } from '../../../../graphql/user-input-error';
import type { LpaReference } from '../../../../sirius/lpa-reference';
import { parseLpaUid } from '../../../../sirius/lpa-reference';

export const MAX_UIDS_PER_QUERY = 25;

function uidReference(input: string, argumentName: string): LpaReference {
  const uid = parseLpaUid(input);
  if (uid === null) {
    throw userInputError(
      `${argumentName} must be an LPA uid: 12 digits starting with 7, written 7000-0000-0047 or 700000000047.`,
      argumentName,
    );
  }
  return { kind: 'uid', value: uid };
}

export const Query: QueryResolvers = {
  lpa: (_root, { uid }, { loaders }) => loaders.lpa.load(uidReference(uid, 'uid')),

  lpas: (_root, { uids }, { loaders }) => {
    if (uids.length > MAX_UIDS_PER_QUERY) {
      throw userInputError(`uids may name at most ${MAX_UIDS_PER_QUERY} LPAs in one query.`, 'uids');
    }
    // Every uid is checked before any is looked up: a bad list costs Sirius nothing.
    const refs = uids.map((uid) => uidReference(uid, 'uids'));
    // One promise per entry, so that one LPA Sirius cannot answer fails only its own index.
    return refs.map((ref) => loaders.lpa.load(ref));
  },
};
