import { deny } from 'graphql-shield';
import type { IMiddlewareGenerator } from 'graphql-middleware';
import {
  getNamedType,
  isAbstractType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { permissionRules, scopeOfRule, type PermissionRules } from '../auth/scope-rules';
import type { GatewayContext } from '../graphql/gateway-context';

// Whether a registered operation may read every field it names, decided before it runs.
//
// graphql-shield asks a rule for every field a response resolves. The gateway's rules
// (scope-rules.ts: requireScope) read nothing but the caller's scopes, so for a registered
// operation the answer is known from its document alone: collect every (object type, field) it
// could resolve (an abstract type stands for each of its possible object types, whatever the data),
// find the rule shield would apply to each (the type's field rule, its '*', a rule for the whole
// type, else the fallback), and the operation is open to a caller exactly when the caller holds
// every scope those rules ask for. Such a caller gets the same answer from the schema without
// the shield middleware (registered-operations.ts runs it there), since no rule would refuse.
//
// Deny by default still holds: a rule that is not requireScope's (any other rule, a logic rule,
// allow), the fallback deny (a field nobody named), permissions not made by consumerPermissions,
// or anything in the document this does not understand make the operation unknowable here, and it
// always runs shielded. A caller lacking a scope also runs shielded: the shield writes the
// refusals (null with FORBIDDEN at each path) as it always has.

export interface OperationAuthorisation {
  /** Every scope the operation's fields ask for, sorted: a caller holding all of them is refused nothing. */
  readonly requiredScopes: readonly string[];
  /** True when no field of the operation would be refused to a caller with these scopes. */
  allowsEveryField(scopes: ReadonlySet<string>): boolean;
}

/** What shield would ask of one field: a scope, a refusal whatever the scopes, or something only running it can tell. */
type FieldRule = { scope: string } | 'refused' | 'unknown';

/**
 * The operation's authorisation as a function of the caller's scopes, or undefined when only the
 * shield can decide (see above). `document` must be valid against `schema`.
 */
export function operationAuthorisation(
  schema: GraphQLSchema,
  document: DocumentNode,
  permissions: IMiddlewareGenerator<unknown, GatewayContext, unknown>,
): OperationAuthorisation | undefined {
  const tree = permissionRules(permissions);
  if (!tree) return undefined;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);

  const scopes = new Set<string>();
  let decidable = true;
  const seen = new Set<string>();

  // Every field a selection set could resolve, on each object type its value could be.
  const visit = (selectionSet: SelectionSetNode, possible: readonly GraphQLObjectType[], spreads: ReadonlySet<string>): void => {
    for (const selection of selectionSet.selections) {
      if (!decidable) return;
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (name === '__typename') continue; // answered by graphql itself: shield has no rule for it
        if (name.startsWith('__')) {
          decidable = false; // introspection: never on this path, and not judged here
          return;
        }
        const children: GraphQLObjectType[] = [];
        for (const type of possible) {
          const field = type.getFields()[name];
          if (!field) continue; // not on this possible type (valid only under another type condition)
          const key = `${type.name}.${name}`;
          if (!seen.has(key)) {
            seen.add(key);
            const rule = fieldRule(tree, type, name);
            if (rule === 'refused' || rule === 'unknown') {
              decidable = false;
              return;
            }
            scopes.add(rule.scope);
          }
          if (selection.selectionSet) children.push(...objectTypes(schema, getNamedType(field.type)));
        }
        if (selection.selectionSet) visit(selection.selectionSet, unique(children), spreads);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : undefined;
        visit(selection.selectionSet, condition ? narrow(schema, possible, condition) : possible, spreads);
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment) {
          decidable = false; // not valid: never prepared
          return;
        }
        if (spreads.has(name)) continue; // a cycle (not valid either) adds nothing new
        const condition = schema.getType(fragment.typeCondition.name.value);
        visit(fragment.selectionSet, condition ? narrow(schema, possible, condition) : [], new Set([...spreads, name]));
      }
    }
  };

  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    const root = schema.getRootType(definition.operation);
    if (!root) return undefined;
    visit(definition.selectionSet, [root], new Set());
    if (!decidable) return undefined;
  }
  const requiredScopes = [...scopes].sort();
  return {
    requiredScopes,
    allowsEveryField: (callerScopes) => {
      for (const scope of requiredScopes) if (!callerScopes.has(scope)) return false;
      return true;
    },
  };
}

/** The rule shield applies to `type.field` (graphql-shield 7's generator: field rule, else '*', else the type's rule, else the fallback). */
function fieldRule({ rules, fallbackRule }: PermissionRules, type: GraphQLObjectType, field: string): FieldRule {
  const tree: unknown = rules;
  if (!isFieldMap(tree)) return classify(tree); // one rule for the whole schema
  const typeRules = tree[type.name];
  if (typeRules === undefined) return classify(fallbackRule);
  if (!isFieldMap(typeRules)) return classify(typeRules); // one rule for every field of the type
  // A field map holds only rules (shield applies the fallback to the whole type otherwise).
  if (!Object.values(typeRules).every(isKnownRuleShape)) return 'unknown';
  const own = typeRules[field];
  return classify(own !== undefined ? own : (typeRules['*'] || fallbackRule));
}

function classify(rule: unknown): FieldRule {
  const scope = scopeOfRule(rule);
  if (scope !== undefined) return { scope };
  if (rule === deny) return 'refused';
  return 'unknown';
}

/** Some rule object (a Rule or logic rule): not a field map, whatever it is. */
function isKnownRuleShape(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as { resolve?: unknown }).resolve === 'function';
}

/** A plain object of rules by name, as opposed to a rule. */
function isFieldMap(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || isKnownRuleShape(value)) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

function objectTypes(schema: GraphQLSchema, type: ReturnType<typeof getNamedType>): readonly GraphQLObjectType[] {
  if (isObjectType(type)) return [type];
  if (isAbstractType(type)) return schema.getPossibleTypes(type);
  return []; // a scalar or enum: no fields below it
}

/** The possible object types that also satisfy a fragment's type condition. */
function narrow(schema: GraphQLSchema, possible: readonly GraphQLObjectType[], condition: NonNullable<ReturnType<GraphQLSchema['getType']>>): readonly GraphQLObjectType[] {
  const allowed = new Set(objectTypes(schema, condition));
  return possible.filter((type) => allowed.has(type));
}

function unique<T>(items: readonly T[]): readonly T[] {
  return [...new Set(items)];
}
