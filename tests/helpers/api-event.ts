/** API Gateway HTTP API (payload 2.0) events for calling the api handler directly. */
import { requestTimeOf } from "../../local/http-api-event.js";
import type { HttpEvent } from "../../shared/http/event.js";

export function apiEvent(
  method: string,
  pathAndQuery: string,
  options: { body?: string; headers?: Record<string, string>; base64?: boolean } = {},
): HttpEvent {
  const [rawPath = "/", rawQueryString = ""] = pathAndQuery.split("?");
  const now = Date.now();
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath,
    rawQueryString,
    headers: { host: "hub.test", ...options.headers },
    requestContext: {
      accountId: "000000000000",
      apiId: "test",
      domainName: "hub.test",
      domainPrefix: "hub",
      http: {
        method,
        path: rawPath,
        protocol: "HTTP/1.1",
        sourceIp: "192.0.2.1",
        userAgent: "test",
      },
      requestId: `req-${now}`,
      routeKey: "$default",
      stage: "$default",
      time: requestTimeOf(new Date(now)),
      timeEpoch: now,
    },
    ...(options.body === undefined
      ? { isBase64Encoded: false }
      : options.base64
        ? { body: Buffer.from(options.body).toString("base64"), isBase64Encoded: true }
        : { body: options.body, isBase64Encoded: false }),
  };
}
