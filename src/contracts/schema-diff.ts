import { CriticalityLevel, diff } from '@graphql-inspector/core';
import { buildSchema } from 'graphql';

export type ChangeLevel = 'breaking' | 'dangerous' | 'safe';

export interface SchemaChange {
  level: ChangeLevel;
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
    .map((change) => ({ level: LEVELS[change.criticality.level], message: change.message, path: change.path }))
    .sort((a, b) => order.indexOf(a.level) - order.indexOf(b.level));
}
