import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { EXPLORER_SCOPE, type Caller } from './caller';
import { roleKey } from './iam-principal';

// Which services may call the gateway, as what, and with which scopes: configuration, loaded and
// checked once at start-up. A bad entry stops start-up with a message naming it.

const CallerEntry = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and hyphens'),
  clientIds: z.array(z.string().min(1)).default([]),
  iamRoleArns: z.array(z.string().refine((arn) => roleKey(arn) !== null, 'must be an IAM role ARN')).default([]),
  consumers: z.record(z.string(), z.array(z.string().regex(/^v\d+$/))),
  scopes: z.array(z.string()),
});
const RegistryFile = z.strictObject({ callers: z.array(CallerEntry).min(1) });
export type CallerRegistryFile = z.input<typeof RegistryFile>;

export interface RegistryContext {
  /** The consumer schemas the gateway serves, and the scopes each one's rules use. */
  schemas: readonly { consumer: string; version: string; scopes: readonly string[] }[];
}

export class CallerRegistryError extends Error {
  override readonly name = 'CallerRegistryError';

  static invalid(problems: string[]): CallerRegistryError {
    return new CallerRegistryError(`Invalid caller registry:\n  - ${problems.join('\n  - ')}`);
  }
}

type Grant = Omit<Caller, 'principal'>;

export class CallerRegistry {
  private constructor(
    private readonly byClientId: ReadonlyMap<string, Grant>,
    private readonly byRole: ReadonlyMap<string, Grant>,
  ) {}

  static fromFile(path: string, context: RegistryContext): CallerRegistry {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new CallerRegistryError(`Caller registry ${path}: ${error instanceof Error ? error.message : String(error)}`);
    }
    return CallerRegistry.fromJson(text, path, context);
  }

  static fromJson(text: string, source: string, context: RegistryContext): CallerRegistry {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new CallerRegistryError(`Caller registry ${source}: ${error instanceof Error ? error.message : String(error)}`);
    }
    return CallerRegistry.parse(json, context);
  }

  static parse(json: unknown, context: RegistryContext): CallerRegistry {
    const parsed = RegistryFile.safeParse(json);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => {
        const [, index] = issue.path;
        const name = typeof index === 'number' ? (json as { callers?: { name?: unknown }[] }).callers?.[index]?.name : undefined;
        return `${issue.path.join('.')}${name ? ` (caller "${String(name)}")` : ''}: ${issue.message}`;
      });
      throw CallerRegistryError.invalid(problems);
    }

    const knownScopes = new Set([EXPLORER_SCOPE, ...context.schemas.flatMap((schema) => schema.scopes)]);
    const served = new Set(context.schemas.map((schema) => `${schema.consumer} ${schema.version}`));
    const byClientId = new Map<string, Grant>();
    const byRole = new Map<string, Grant>();
    const names = new Set<string>();
    const problems: string[] = [];

    parsed.data.callers.forEach((entry, index) => {
      const where = `callers.${index} (caller "${entry.name}")`;
      if (names.has(entry.name)) problems.push(`${where}: the name is used twice`);
      names.add(entry.name);
      if (entry.clientIds.length === 0 && entry.iamRoleArns.length === 0) {
        problems.push(`${where}: needs at least one of clientIds or iamRoleArns`);
      }
      for (const [consumer, versions] of Object.entries(entry.consumers)) {
        for (const version of versions) {
          if (!served.has(`${consumer} ${version}`)) {
            problems.push(`${where}: no consumer schema ${consumer} ${version} (served: ${[...served].join(', ')})`);
          }
        }
      }
      for (const scope of entry.scopes) {
        if (!knownScopes.has(scope)) problems.push(`${where}: unknown scope "${scope}" (known: ${[...knownScopes].join(', ')})`);
      }
      const grant: Grant = { name: entry.name, scopes: new Set(entry.scopes), consumers: entry.consumers };
      for (const clientId of entry.clientIds) {
        if (byClientId.has(clientId)) problems.push(`${where}: client id ${clientId} is registered twice`);
        byClientId.set(clientId, grant);
      }
      for (const arn of entry.iamRoleArns) {
        const key = roleKey(arn)!;
        if (byRole.has(key)) problems.push(`${where}: role ${arn} is registered twice`);
        byRole.set(key, grant);
      }
    });
    if (problems.length > 0) throw CallerRegistryError.invalid(problems);
    return new CallerRegistry(byClientId, byRole);
  }

  clientIds(): string[] {
    return [...this.byClientId.keys()];
  }

  /** The caller for a verified client id, its scopes narrowed to those its token carries. */
  forClient(clientId: string, tokenScopes: ReadonlySet<string>): Caller | undefined {
    const grant = this.byClientId.get(clientId);
    if (!grant) return undefined;
    return { ...grant, principal: clientId, scopes: new Set([...grant.scopes].filter((scope) => tokenScopes.has(scope))) };
  }

  /** The caller for an IAM principal API Gateway has verified (no token: the registry's scopes). */
  forIamPrincipal(arn: string): Caller | undefined {
    const key = roleKey(arn);
    const grant = key ? this.byRole.get(key) : undefined;
    return grant ? { ...grant, principal: arn } : undefined;
  }
}
