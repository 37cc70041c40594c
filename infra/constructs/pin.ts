import { CfnResource } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Fixes a stateful resource's logical id. CloudFormation replaces a resource whose logical id
 * changes, which for a table, key, secret, user pool or queue is losing it (or, with Retain,
 * orphaning it and creating an empty one). Ids come from construct paths, so moving a resource
 * into another construct would change them; pinned, a refactor cannot. test/infra/ snapshots them.
 */
export function pinLogicalId(construct: IConstruct, logicalId: string): void {
  const resource = construct instanceof CfnResource ? construct : construct.node.defaultChild;
  if (!(resource instanceof CfnResource)) throw new Error(`${construct.node.path} has no CloudFormation resource to pin`);
  resource.overrideLogicalId(logicalId);
}
