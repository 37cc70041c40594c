// API Gateway with IAM auth tells the Lambda who signed the request as the caller's ARN. A service
// calls with an assumed role (arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION); the registry names
// the role itself (arn:aws:iam::ACCOUNT:role/ROLE). Both come to the same key here.

const ASSUMED_ROLE = /^arn:aws[\w-]*:sts::(\d{12}):assumed-role\/([\w+=,.@-]+)\/[\w+=,.@-]+$/;
const ROLE = /^arn:aws[\w-]*:iam::(\d{12}):role\/(?:[\w+=,.@/-]*\/)?([\w+=,.@-]+)$/;

/** `ACCOUNT:ROLE` for a role or assumed-role ARN; null for anything else (users, roots, junk). */
export function roleKey(arn: string): string | null {
  const match = ASSUMED_ROLE.exec(arn) ?? ROLE.exec(arn);
  return match ? `${match[1]}:${match[2]}` : null;
}
