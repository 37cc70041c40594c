import { documentId, type RegisteredOperation } from '../contracts/operations';

// Trusted documents: a consumer's endpoint runs the operations registered for it under
// operations/{consumer}/{version}/ (.graphql files, Apollo's manifest, Codegen's persisted documents:
// src/contracts/operations.ts), named by the sha256 of their text, either as
// `documentId: "sha256:<hex>"` (the GraphQL trusted documents convention; the bare hex too) or as Apollo's
// persisted query extension `extensions.persistedQuery.sha256Hash`. `enforce` runs nothing else;
// `allow` also runs ad-hoc queries, which the request log marks. Apollo's own automatic persisted
// queries are off, so no caller can register a document by sending it.

export type TrustedDocumentsMode = 'enforce' | 'allow';

export type TrustedDocuments = ReadonlyMap<string, RegisteredOperation>;

/**
 * Each operation by its id and, for a `.graphql` file, also as Apollo Client's PersistedQueryLink
 * sends it (its text, with the `__typename`s its cache added, under the id the link computes): the
 * same operation from the same file, prepared for the lean path like any other.
 */
export function trustedDocuments(operations: readonly RegisteredOperation[]): TrustedDocuments {
  return new WithApolloClientForms(operations);
}

/**
 * The operations by id. Apollo Client's forms (a parse and a print each) join when an id is not
 * found among the files' own, or when the whole map is first read: a cold Lambda's first request,
 * sent by a file's own id, works none of them out (issue 17).
 */
class WithApolloClientForms extends Map<string, RegisteredOperation> {
  #pending: readonly RegisteredOperation[] | undefined;

  constructor(operations: readonly RegisteredOperation[]) {
    super();
    for (const operation of operations) super.set(operation.id, operation);
    this.#pending = operations;
  }

  #complete(): this {
    const pending = this.#pending;
    this.#pending = undefined;
    for (const operation of pending ?? []) {
      const form = operation.apolloClient?.();
      if (form && !super.has(form.id)) super.set(form.id, { ...operation, ...form, apolloClient: undefined });
    }
    return this;
  }

  override get(id: string): RegisteredOperation | undefined {
    return super.get(id) ?? (this.#pending ? this.#complete().get(id) : undefined);
  }

  override has(id: string): boolean {
    return super.has(id) || (this.#pending !== undefined && this.#complete().has(id));
  }

  override get size(): number {
    this.#complete();
    return super.size;
  }

  override forEach(visit: (value: RegisteredOperation, key: string, map: Map<string, RegisteredOperation>) => void, thisArg?: unknown): void {
    this.#complete();
    super.forEach(visit, thisArg);
  }

  override entries() {
    this.#complete();
    return super.entries();
  }

  override keys() {
    this.#complete();
    return super.keys();
  }

  override values() {
    this.#complete();
    return super.values();
  }

  override [Symbol.iterator]() {
    return this.entries();
  }
}

/** A GraphQL-over-HTTP request's parameters (a POST body, or a GET's search parameters). */
export type OperationParameters = Record<string, unknown>;

export type DocumentResolution =
  | { ok: true; parameters: OperationParameters; documentId: string | undefined; registered: boolean; name?: string | undefined }
  | { ok: false; code: string; message: string };

const SHA256 = /^[0-9a-f]{64}$/;

export function resolveDocument(parameters: OperationParameters, documents: TrustedDocuments, mode: TrustedDocumentsMode): DocumentResolution {
  const { documentId: rawId, extensions, ...rest } = parameters;
  const { persistedQuery, ...otherExtensions } = isRecord(extensions) ? extensions : {};
  const id = requestedId(rawId, persistedQuery);
  if (id !== undefined && !id.ok) return id;
  const query = typeof parameters.query === 'string' ? parameters.query : undefined;
  const forwarded = { ...rest, ...(Object.keys(otherExtensions).length > 0 ? { extensions: otherExtensions } : {}) };

  if (id !== undefined) {
    if (query !== undefined && documentId(query) !== id.value) {
      return { ok: false, code: 'BAD_REQUEST', message: 'The document id does not match the sha256 of the query sent with it.' };
    }
    const registered = documents.get(id.value);
    if (registered) {
      return { ok: true, parameters: { ...forwarded, query: registered.document }, documentId: id.value, registered: true, name: registered.name };
    }
    if (query === undefined) {
      return {
        ok: false,
        code: 'PERSISTED_QUERY_NOT_FOUND',
        message: `No registered operation has id sha256:${id.value} on this endpoint. Operations are registered in the gateway's operations/ folder.`,
      };
    }
  }
  if (query === undefined) return { ok: true, parameters: forwarded, documentId: undefined, registered: false }; // Apollo explains what is missing

  const hash = documentId(query);
  const registered = documents.get(hash);
  if (registered) return { ok: true, parameters: forwarded, documentId: hash, registered: true, name: registered.name };
  if (mode === 'enforce') {
    return {
      ok: false,
      code: 'TRUSTED_DOCUMENT_REQUIRED',
      message: 'This endpoint runs only registered operations, sent by id: "documentId": "sha256:<hex>" or extensions.persistedQuery.sha256Hash.',
    };
  }
  return { ok: true, parameters: forwarded, documentId: hash, registered: false };
}

function requestedId(rawId: unknown, persistedQuery: unknown): { ok: true; value: string } | { ok: false; code: string; message: string } | undefined {
  if (rawId !== undefined) {
    // `sha256:<hex>` (the GraphQL trusted documents convention) or the bare hex (GraphQL Yoga's and
    // GraphQL Codegen's client preset's): the same id.
    const hex = typeof rawId === 'string' ? (rawId.startsWith('sha256:') ? rawId.slice(7) : rawId).toLowerCase() : undefined;
    if (hex === undefined || !SHA256.test(hex)) {
      return { ok: false, code: 'BAD_REQUEST', message: 'documentId must be 64 hex digits, optionally prefixed "sha256:".' };
    }
    return { ok: true, value: hex };
  }
  if (persistedQuery === undefined) return undefined;
  const hash = isRecord(persistedQuery) && persistedQuery.version === 1 ? persistedQuery.sha256Hash : undefined;
  if (typeof hash !== 'string' || !SHA256.test(hash.toLowerCase())) {
    return { ok: false, code: 'BAD_REQUEST', message: 'extensions.persistedQuery must be { "version": 1, "sha256Hash": "<64 hex digits>" }.' };
  }
  return { ok: true, value: hash.toLowerCase() };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A GET's search parameters as operation parameters (`extensions` and `variables` are JSON). */
export function parametersFromSearch(search: string): OperationParameters | undefined {
  const params = new URLSearchParams(search);
  const parameters: OperationParameters = {};
  for (const [name, value] of params) {
    if (name === 'extensions') {
      try {
        parameters.extensions = JSON.parse(value);
      } catch {
        return undefined;
      }
    } else parameters[name] = value;
  }
  return parameters;
}

export function searchFromParameters(parameters: OperationParameters): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters)) {
    if (value !== undefined) params.set(name, typeof value === 'string' ? value : JSON.stringify(value));
  }
  return `?${params.toString()}`;
}
