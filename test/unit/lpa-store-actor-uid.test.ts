import { describe, expect, it } from 'vitest';
import { parseLpaStoreActorUid } from '../../src/lpa-store/lpa-store-actor-uid';

describe('LPA Store actor uids', () => {
  it('are UUIDs, accepted in either case and answered in lower case (one key per actor)', () => {
    expect(parseLpaStoreActorUid('9ac5cb7c-fc75-40c7-8e53-059f36dbbe3d')).toBe('9ac5cb7c-fc75-40c7-8e53-059f36dbbe3d');
    expect(parseLpaStoreActorUid('9AC5CB7C-FC75-40C7-8E53-059F36DBBE3D')).toBe('9ac5cb7c-fc75-40c7-8e53-059f36dbbe3d');
  });

  it.each(['7000-0000-0799', '700000000799', '9ac5cb7cfc7540c78e53059f36dbbe3d', '9ac5cb7c-fc75-40c7-8e53-059f36dbbe3', ' 9ac5cb7c-fc75-40c7-8e53-059f36dbbe3d', 'someone', ''])(
    '%j is not one',
    (input) => {
      expect(parseLpaStoreActorUid(input)).toBeNull();
    },
  );
});
