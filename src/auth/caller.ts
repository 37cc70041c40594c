/** Who is calling, once authenticated: a registered service, never an end user. */
export interface Caller {
  /** The registry's name for the service, e.g. `use-an-lpa`: safe to log. */
  name: string;
  /** The OAuth client id or IAM role ARN it proved. */
  principal: string;
  /** What it may do: the registry's grant, narrowed to what its token carries. */
  scopes: ReadonlySet<string>;
  /** Consumer schemas and versions it may use, e.g. `{ "use-an-lpa": ["v1"] }`. */
  consumers: Readonly<Record<string, readonly string[]>>;
}

export function mayUseSchema(caller: Caller, consumer: string, version: string): boolean {
  return caller.consumers[consumer]?.includes(version) ?? false;
}

/** Scope that opens introspection, field suggestions and Sandbox outside the embedded default. */
export const EXPLORER_SCOPE = 'explorer';
