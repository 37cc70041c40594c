import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { queryOf } from '../lpa-store/request-signer';

// API Gateway's IAM auth, as a dev server can do it: the SigV4 signature of a received request is
// recomputed with the SDK's own signer, from the request as it arrived (its own x-amz-date, the
// headers it says it signed, the body it carries) and compared. The refusals carry the messages and
// `x-amzn-ErrorType` API Gateway answers with (403 each), so a client meets the real wording.

export interface SigV4Expectation {
  credentials: { accessKeyId: string; secretAccessKey: string };
  region: string;
  service: string;
}

export interface ReceivedRequest {
  method: string;
  /** As sent: the path still percent-encoded, the query as it came. */
  url: URL;
  headers: IncomingHttpHeaders;
  body: string;
}

export type SigV4Verdict = { ok: true } | { ok: false; errorType: string; message: string };

/** SigV4's allowance for clocks that disagree, either way. */
const MAX_SKEW_MS = 5 * 60_000;

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

const MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

export async function verifySigV4(request: ReceivedRequest, expected: SigV4Expectation, now = Date.now()): Promise<SigV4Verdict> {
  const authorization = request.headers.authorization;
  if (!authorization) return refuse('MissingAuthenticationTokenException', 'Missing Authentication Token');
  const parts = AUTHORIZATION.exec(authorization);
  if (!parts) {
    return refuse('IncompleteSignatureException', "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.");
  }
  const [, accessKeyId, scopeDate, region, service, signedHeaderList, signature] = parts as unknown as string[];
  if (accessKeyId !== expected.credentials.accessKeyId) {
    return refuse('UnrecognizedClientException', 'The security token included in the request is invalid.');
  }
  if (region !== expected.region) return refuse('InvalidSignatureException', 'Credential should be scoped to a valid region.');
  if (service !== expected.service) {
    return refuse('InvalidSignatureException', `Credential should be scoped to correct service: '${expected.service}'.`);
  }

  const amzDate = single(request.headers['x-amz-date']);
  const date = amzDate ? AMZ_DATE.exec(amzDate) : null;
  if (!amzDate || !date) return refuse('IncompleteSignatureException', "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  const signingDate = new Date(Date.UTC(+date[1]!, +date[2]! - 1, +date[3]!, +date[4]!, +date[5]!, +date[6]!));
  if (now - signingDate.getTime() > MAX_SKEW_MS) return refuse('InvalidSignatureException', `Signature expired: ${amzDate} is now earlier than the last 5 minutes.`);
  if (signingDate.getTime() - now > MAX_SKEW_MS) return refuse('InvalidSignatureException', `Signature not yet current: ${amzDate} is later than the next 5 minutes.`);
  if (amzDate.slice(0, 8) !== scopeDate) return refuse('InvalidSignatureException', 'Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP.');

  const signedNames = signedHeaderList!.split(';');
  if (!signedNames.includes('host')) return refuse('InvalidSignatureException', "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");

  // Only the headers the client signed, as they arrived.
  const headers: Record<string, string> = {};
  for (const name of signedNames) {
    const value = request.headers[name];
    if (value === undefined) return refuse('InvalidSignatureException', MISMATCH);
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  // The signer trusts a declared payload hash; the body is what counts, so a body changed after
  // signing fails here however its declared hash reads.
  const declaredHash = headers['x-amz-content-sha256'];
  if (declaredHash !== undefined && declaredHash !== createHash('sha256').update(request.body).digest('hex')) {
    return refuse('InvalidSignatureException', MISMATCH);
  }

  const signer = new SignatureV4({
    service: expected.service,
    region: expected.region,
    credentials: expected.credentials,
    sha256: Sha256,
    uriEscapePath: true,
    // Never add a header the client did not sign.
    applyChecksum: false,
  });
  const recomputed = await signer.sign(
    {
      method: request.method,
      protocol: 'http:',
      hostname: request.url.hostname,
      path: request.url.pathname,
      query: queryOf(request.url),
      headers,
      body: request.body,
    },
    { signingDate },
  );
  const expectedSignature = /Signature=([0-9a-f]{64})$/.exec(recomputed.headers.authorization ?? '')?.[1] ?? '';
  const same = expectedSignature.length === signature!.length && timingSafeEqual(Buffer.from(expectedSignature), Buffer.from(signature!));
  return same ? { ok: true } : refuse('InvalidSignatureException', MISMATCH);
}

function refuse(errorType: string, message: string): SigV4Verdict {
  return { ok: false, errorType, message };
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
