import type { Logger } from '../logger';
import type { AuthenticationRefusedReason } from '../observability/embedded-metrics';
import type { Caller } from './caller';
import type { CallerRegistry } from './caller-registry';
import type { TokenVerifier, VerifiedToken } from './token-verifier';

/** How a request proves who sent it. `iamPrincipalArn` is set only by the Lambda entry, from
 *  API Gateway's verified request context: never from a header. */
export interface Credentials {
  authorization: string | undefined;
  iamPrincipalArn?: string;
}

export type Authentication =
  | { ok: true; caller: Caller }
  | { ok: false; status: 401 | 403; code: 'UNAUTHENTICATED' | 'FORBIDDEN'; message: string; tokenPresented: boolean };

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)$/;

/** Turns credentials into a Caller. Failures say no more than "invalid or expired token"; the
 *  reason goes to the log, never the token, and its fixed category to `refused` (metrics). */
export function createAuthenticator(
  verifier: TokenVerifier,
  registry: CallerRegistry,
  logger: Logger,
  refused: (reason: AuthenticationRefusedReason) => void = () => undefined,
) {
  // A remembered token comes back as the same object: its Caller is built once too.
  const callers = new WeakMap<VerifiedToken, Caller | undefined>();
  const callerFor = (token: VerifiedToken) => {
    if (!callers.has(token)) callers.set(token, registry.forClient(token.clientId, token.scopes));
    return callers.get(token);
  };
  return async function authenticate(credentials: Credentials): Promise<Authentication> {
    if (credentials.iamPrincipalArn !== undefined) {
      const caller = registry.forIamPrincipal(credentials.iamPrincipalArn);
      if (caller) return { ok: true, caller };
      logger.warn({ reason: 'IAM principal not in the caller registry' }, 'authentication refused');
      refused('unregistered-iam-principal');
      return { ok: false, status: 403, code: 'FORBIDDEN', message: 'This caller is not registered with the gateway.', tokenPresented: false };
    }
    if (!credentials.authorization) {
      refused('missing-token');
      return { ok: false, status: 401, code: 'UNAUTHENTICATED', message: 'A bearer token is required.', tokenPresented: false };
    }
    const match = BEARER.exec(credentials.authorization.trim());
    const invalid = { ok: false, status: 401, code: 'UNAUTHENTICATED', message: 'Invalid or expired token.', tokenPresented: true } as const;
    if (!match) {
      logger.warn({ reason: 'Authorization header is not a bearer JWT' }, 'authentication refused');
      refused('not-bearer-jwt');
      return invalid;
    }
    let token;
    try {
      token = await verifier.verify(match[1]!);
    } catch (error) {
      logger.warn({ reason: error instanceof Error ? `${error.name}: ${error.message}` : 'unknown' }, 'authentication refused');
      refused('invalid-token');
      return invalid;
    }
    const caller = callerFor(token);
    if (!caller) {
      logger.warn({ reason: 'client id not in the caller registry', clientId: token.clientId }, 'authentication refused');
      refused('unregistered-client');
      return { ok: false, status: 403, code: 'FORBIDDEN', message: 'This caller is not registered with the gateway.', tokenPresented: true };
    }
    return { ok: true, caller };
  };
}

export type Authenticate = ReturnType<typeof createAuthenticator>;
