import { CriticalityLevel, diff } from '@graphql-inspector/core';
import { buildSchema } from 'graphql';

export type ChangeLevel = 'breaking' | 'dangerous' | 'safe';

export interface SchemaChange {
  level: ChangeLevel;
  /** graphql-inspector's change type, e.g. FIELD_REMOVED. */
  type: string;
  /** graphql-inspector's wording, e.g. "Field 'surname' was removed from object type 'Person'". */
  message: string;
  /** The schema coordinate changed, e.g. `Person.surname`. */
  path: string | undefined;
}

const LEVELS: Record<CriticalityLevel, ChangeLevel> = {
  [CriticalityLevel.Breaking]: 'breaking',
  [CriticalityLevel.Dangerous]: 'dangerous',
  [CriticalityLevel.NonBreaking]: 'safe',
};

/** Every change from `before` to `after`, classified by graphql-inspector, breaking first. */
export async function diffSdl(before: string, after: string): Promise<SchemaChange[]> {
  const changes = await diff(buildSchema(before), buildSchema(after));
  const order: ChangeLevel[] = ['breaking', 'dangerous', 'safe'];
  return changes
    .map((change) => ({ level: LEVELS[change.criticality.level], type: change.type, message: change.message, path: change.path }))
    .sort((a, b) => order.indexOf(a.level) - order.indexOf(b.level));
}

/** Documentation-only changes: listed in a changelog as a count, not one by one. */
export function isDescriptionChange(change: SchemaChange): boolean {
  return change.type.includes('DESCRIPTION');
}

/** `@deprecated` also shows as a directive usage: FIELD_DEPRECATION_ADDED already says it. */
export function isDeprecationEcho(change: SchemaChange): boolean {
  return change.type.startsWith('DIRECTIVE_USAGE') && change.message.includes('deprecated');
}
