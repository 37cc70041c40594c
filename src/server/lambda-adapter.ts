import type { APIGatewayProxyEvent, APIGatewayProxyEventV2WithIAMAuthorizer, APIGatewayProxyResult, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { GatewayRequest, GatewayResponse } from './gateway-request';

// API Gateway events (REST API "v1" and HTTP API "v2") to and from the gateway core. With IAM auth
// API Gateway has verified the SigV4 signature and names the caller in the request context: that,
// never a header, is where the IAM identity comes from.

export type ApiGatewayEvent = APIGatewayProxyEvent | APIGatewayProxyEventV2WithIAMAuthorizer;
export type ApiGatewayResult = APIGatewayProxyResult & APIGatewayProxyStructuredResultV2;

function isV2(event: ApiGatewayEvent): event is APIGatewayProxyEventV2WithIAMAuthorizer {
  return (event as { version?: string }).version === '2.0';
}

export function fromApiGatewayEvent(event: ApiGatewayEvent): GatewayRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) if (value !== undefined) headers[name.toLowerCase()] = value;
  const body = event.body == null ? undefined : event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;

  if (isV2(event)) {
    const { stage, http, authorizer } = event.requestContext;
    // A named stage appears in rawPath; the $default stage does not.
    const path = stage !== '$default' && event.rawPath.startsWith(`/${stage}/`) ? event.rawPath.slice(stage.length + 1) : event.rawPath;
    return {
      method: http.method,
      path,
      search: event.rawQueryString ? `?${event.rawQueryString}` : '',
      headers,
      body,
      iamPrincipalArn: authorizer?.iam?.userArn ?? undefined,
    };
  }
  const query = new URLSearchParams();
  for (const [name, values] of Object.entries(event.multiValueQueryStringParameters ?? {})) {
    for (const value of values ?? []) query.append(name, value);
  }
  const search = query.size > 0 ? `?${query}` : '';
  return {
    method: event.httpMethod,
    path: event.path,
    search,
    headers,
    body,
    iamPrincipalArn: event.requestContext?.identity?.userArn ?? undefined,
  };
}

export function toApiGatewayResult(response: GatewayResponse): ApiGatewayResult {
  return { statusCode: response.status, headers: response.headers, body: response.body, isBase64Encoded: false };
}
