import { jwtVerify } from 'jose';

// The LPA Store's own check of `X-Jwt-Authorization` (internal/shared/jwt.go), run by its Lambdas
// after API Gateway's SigV4: an HS256 JWT under the shared secret, unexpired, issued in the past, by
// a service the store knows, whose subject is a URN naming who is acting (ADR 0003).

/** Sirius, Make and Register, and Use an LPA. */
export const KNOWN_ISSUERS = ['opg.poas.sirius', 'opg.poas.makeregister', 'opg.poas.use'];

/** `urn:opg:` and a printable rest, e.g. `urn:opg:poas:use:users:<id>`. */
const OPG_URN = /^urn:opg:[\x21-\x7e]+$/;

/** The subject of a valid header's token, or null when the call must be refused (401). */
export async function verifyLpaStoreJwt(header: string | undefined, key: Uint8Array): Promise<string | null> {
  const token = /^Bearer +(\S+)$/.exec(header ?? '')?.[1];
  if (!token) return null;
  try {
    const { payload } = await jwtVerify(token, key, {
      algorithms: ['HS256'],
      issuer: KNOWN_ISSUERS,
      requiredClaims: ['iat', 'exp', 'iss', 'sub'],
    });
    if (typeof payload.iat !== 'number' || payload.iat > Date.now() / 1000) return null;
    return typeof payload.sub === 'string' && OPG_URN.test(payload.sub) ? payload.sub : null;
  } catch {
    return null;
  }
}
