/**
 * The HTTP event and result as API Gateway's HTTP API (payload format 2.0) hands them
 * to Lambda, declared structurally so that `shared/` needs no Lambda types. The
 * local runtime builds exactly these.
 */

export interface HttpEvent {
  version: "2.0";
  routeKey: string;
  rawPath: string;
  rawQueryString: string;
  cookies?: string[];
  /** Lower-cased names; repeated headers joined with commas. */
  headers: Record<string, string | undefined>;
  queryStringParameters?: Record<string, string | undefined>;
  pathParameters?: Record<string, string | undefined>;
  requestContext: {
    accountId: string;
    apiId: string;
    domainName: string;
    domainPrefix: string;
    http: { method: string; path: string; protocol: string; sourceIp: string; userAgent: string };
    requestId: string;
    routeKey: string;
    stage: string;
    time: string;
    timeEpoch: number;
  };
  body?: string;
  isBase64Encoded: boolean;
}

export interface HttpResult {
  statusCode: number;
  headers?: Record<string, string>;
  body?: string;
  isBase64Encoded?: boolean;
  cookies?: string[];
}

/** The exact bytes the client sent, decoded from base64 where the event says so. */
export function bodyBytesOf(event: Pick<HttpEvent, "body" | "isBase64Encoded">): Uint8Array {
  if (event.body === undefined || event.body === "") return new Uint8Array(0);
  return event.isBase64Encoded
    ? Buffer.from(event.body, "base64")
    : Buffer.from(event.body, "utf8");
}
