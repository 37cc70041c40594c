/** An HTTP request as the gateway core sees it, whatever hosts it (node:http, API Gateway). */
export interface GatewayRequest {
  method: string;
  path: string;
  /** The query string with its leading `?`, or `''`. */
  search: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: string | undefined;
  /** The host stopped reading a body over the limit (node:http streams; it never buffers one). */
  bodyTooLarge?: boolean;
  /** Set only by the Lambda entry, from API Gateway's verified IAM identity. */
  iamPrincipalArn?: string;
}

export interface GatewayResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): GatewayResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

export function errorResponse(status: number, message: string, code: string, headers: Record<string, string> = {}): GatewayResponse {
  return jsonResponse(status, { errors: [{ message, extensions: { code } }] }, headers);
}
