import { createHash } from 'node:crypto';
import { Kind, parse, print, visit, type FieldNode, type SelectionSetNode } from 'graphql';

// The id Apollo Client 4's PersistedQueryLink gives a registered operation, so that a frontend
// using the link with an operation copied from operations/ needs no manifest. The link hashes
// (sha256, hex) the document as Apollo Client prints and sends it, which is not the file's text:
//  - comments and spacing are gone: the document is printed by graphql-js's `print`;
//  - its cache (InMemoryCache) has added `__typename` as the last field of every selection set
//    except the operation's own (root) one, unless the set already selects `__typename` (or any
//    `__`-prefixed field: introspection). Fragments' and inline fragments' sets get it too.
// Observed, not guessed: test/integration/apollo-client.test.ts runs the real client against a
// gateway and checks this id is what it sends. (Apollo Client's own client-side directives,
// @client, @connection, @nonreactive and @unmask, which it strips before sending, never reach a
// registered operation: schema:check refuses directives the schema does not define.)

const TYPENAME: FieldNode = { kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' } };

/** The document as Apollo Client 4 (InMemoryCache, PersistedQueryLink) sends it. */
export function apolloClientDocument(document: string): string {
  const withTypename = visit(parse(document, { noLocation: true }), {
    SelectionSet: {
      enter(node: SelectionSetNode, _key, parent) {
        if (parent && !Array.isArray(parent) && (parent as { kind?: string }).kind === Kind.OPERATION_DEFINITION) return undefined;
        if (node.selections.some((selection) => selection.kind === Kind.FIELD && selection.name.value.startsWith('__'))) return undefined;
        // A field exported as a variable (@export, Apollo's local state) keeps its shape.
        if (parent && !Array.isArray(parent) && (parent as FieldNode).kind === Kind.FIELD && (parent as FieldNode).directives?.some((directive) => directive.name.value === 'export')) return undefined;
        return { ...node, selections: [...node.selections, TYPENAME] };
      },
    },
  });
  return print(withTypename);
}

/** Hex sha256 of what Apollo Client sends for `document`: its persisted query hash. */
export function apolloDocumentId(document: string): string {
  return createHash('sha256').update(apolloClientDocument(document), 'utf8').digest('hex');
}
