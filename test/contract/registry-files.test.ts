import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkContracts } from '../../src/contracts/check';
import { loadOperations, RegistryError } from '../../src/contracts/operations';
import { trustedDocuments } from '../../src/server/trusted-documents';
import { apolloDocumentId } from '../../src/contracts/apollo-document-id';

// Registry files a frontend toolchain writes (Apollo's persisted query manifest, GraphQL Codegen's
// persisted documents) beside .graphql files: loaded, ids checked against bodies (what start-up
// does), and every document validated by schema:check, naming the file and the operation.

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const GOOD = 'query DonorSurname($uid: LpaUid!) { lpa(uid: $uid) { ... on Lpa { donor { surname } } } }';
const BAD = 'query DonorNickname($uid: LpaUid!) { lpa(uid: $uid) { ... on Lpa { donor { nickname } } } }';

function scratchCopy() {
  const root = mkdtempSync(join(tmpdir(), 'sirius-gateway-registry-files-'));
  cpSync('schema', join(root, 'schema'), { recursive: true });
  cpSync('operations', join(root, 'operations'), { recursive: true });
  return { schemaDir: join(root, 'schema'), operationsDir: join(root, 'operations') };
}

const manifest = (...operations: { id: string; name: string; body: string }[]) =>
  JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations: operations.map((operation) => ({ ...operation, type: 'query' })) });
const errors = (findings: Awaited<ReturnType<typeof checkContracts>>) => findings.filter((f) => f.level === 'error').map((f) => f.message);

describe('registry files from frontend toolchains', () => {
  it('loads an Apollo manifest and Codegen persisted documents beside .graphql files, each by the sha256 of its body', () => {
    const copy = scratchCopy();
    const dir = join(copy.operationsDir, 'use-an-lpa/v2');
    writeFileSync(join(dir, 'persisted-query-manifest.json'), manifest({ id: sha256(GOOD), name: 'DonorSurname', body: GOOD }));
    const codegen = GOOD.replace('DonorSurname', 'CodegenSurname');
    writeFileSync(join(dir, 'persisted-documents.json'), JSON.stringify({ [`sha256:${sha256(codegen)}`]: codegen }));
    const operations = loadOperations(copy.operationsDir, 'use-an-lpa', 'v2');
    expect(operations).toContainEqual({ file: 'use-an-lpa/v2/persisted-query-manifest.json', name: 'DonorSurname', document: GOOD, id: sha256(GOOD) });
    expect(operations).toContainEqual({ file: 'use-an-lpa/v2/persisted-documents.json', name: 'CodegenSurname', document: codegen, id: sha256(codegen) });
    expect(operations.filter((operation) => operation.file.endsWith('.graphql'))).toHaveLength(5);
  });

  it("serves a .graphql operation also by Apollo Client's id, as the client sends it", () => {
    const operations = loadOperations('operations', 'use-an-lpa', 'v2');
    const viewer = operations.find((operation) => operation.name === 'ViewSharedLpa')!;
    const documents = trustedDocuments(operations);
    expect(documents.get(viewer.id)).toBe(viewer);
    const asSent = documents.get(apolloDocumentId(viewer.document))!;
    expect(asSent).toMatchObject({ file: viewer.file, name: 'ViewSharedLpa', id: apolloDocumentId(viewer.document) });
    expect(sha256(asSent.document)).toBe(asSent.id);
  });

  it('refuses, at start-up and in schema:check, an id that is not its body\'s, naming the file and the operation', async () => {
    const copy = scratchCopy();
    writeFileSync(join(copy.operationsDir, 'use-an-lpa/v2/persisted-query-manifest.json'), manifest({ id: sha256(GOOD.replace('surname', 'firstNames')), name: 'DonorSurname', body: GOOD }));
    expect(() => loadOperations(copy.operationsDir, 'use-an-lpa', 'v2')).toThrow(RegistryError);
    expect(() => loadOperations(copy.operationsDir, 'use-an-lpa', 'v2')).toThrow(/^operations\/use-an-lpa\/v2\/persisted-query-manifest\.json: operation DonorSurname has id [0-9a-f]{64}, but the sha256 of its body is/);
    expect(errors(await checkContracts(copy))).toEqual([expect.stringMatching(/^operations\/use-an-lpa\/v2\/persisted-query-manifest\.json: operation DonorSurname has id/)]);

    const codegen = scratchCopy();
    writeFileSync(join(codegen.operationsDir, 'use-an-lpa/v1/persisted-documents.json'), JSON.stringify({ [sha256('something else')]: GOOD }));
    expect(errors(await checkContracts(codegen))).toEqual([expect.stringMatching(/^operations\/use-an-lpa\/v1\/persisted-documents\.json: operation DonorSurname has id/)]);
  });

  it('validates every registered document in schema:check, naming the file and the operation', async () => {
    const copy = scratchCopy();
    writeFileSync(join(copy.operationsDir, 'use-an-lpa/v2/persisted-query-manifest.json'), manifest({ id: sha256(GOOD), name: 'DonorSurname', body: GOOD }, { id: sha256(BAD), name: 'DonorNickname', body: BAD }));
    const codegen = BAD.replace('DonorNickname', 'CodegenNickname');
    writeFileSync(join(copy.operationsDir, 'use-an-lpa/v2/persisted-documents.json'), JSON.stringify({ [sha256(codegen)]: codegen }));
    expect(errors(await checkContracts(copy))).toEqual([
      'operations/use-an-lpa/v2/persisted-documents.json (operation CodegenNickname): Cannot query field "nickname" on type "Person". Did you mean "surname"?',
      'operations/use-an-lpa/v2/persisted-query-manifest.json (operation DonorNickname): Cannot query field "nickname" on type "Person". Did you mean "surname"?',
    ]);
  });

  it('refuses a file that is not what its name says', () => {
    const copy = scratchCopy();
    writeFileSync(join(copy.operationsDir, 'use-an-lpa/v2/persisted-query-manifest.json'), JSON.stringify({ operations: [] }));
    expect(() => loadOperations(copy.operationsDir, 'use-an-lpa', 'v2')).toThrow(/^operations\/use-an-lpa\/v2\/persisted-query-manifest\.json: is not an Apollo persisted query manifest/);
  });
});
