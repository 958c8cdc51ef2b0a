/**
 * The local stand-in for API Gateway's HTTP API: turns each Node HTTP request into a
 * payload-format-2.0 event for the same handler that runs on Lambda, and the result
 * back into an HTTP response. Raw path and raw query string are passed exactly as
 * sent, because request tokens sign them (`htu`).
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Context } from "aws-lambda";
import type { ApiHandler } from "../lambdas/api.js";
import type { HttpEvent } from "../shared/http/event.js";
import { readBodyUpTo } from "../shared/http/read-body.js";
import type { StaticSite } from "./console-site.js";

/** API Gateway's own payload limit; the handler enforces the API's smaller one. */
const GATEWAY_MAX_BODY = 10 * 1024 * 1024;
const utf8 = new TextDecoder("utf-8", { fatal: true });

export function createApiGatewayServer(
  handler: ApiHandler,
  onError: (error: unknown) => void,
  site?: StaticSite,
): Server {
  return createServer((req, res) => {
    const answer = site?.serves(req) ? site.serve(req, res) : serve(handler, req, res);
    void answer.catch((error: unknown) => {
      onError(error);
      if (!res.headersSent) {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ message: "Internal Server Error" }));
      } else {
        res.destroy();
      }
    });
  });
}

async function serve(
  handler: ApiHandler,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const body = await readBodyUpTo(req, GATEWAY_MAX_BODY);
  if (body === undefined) {
    res.writeHead(413, { "content-type": "application/json", connection: "close" });
    res.end(JSON.stringify({ message: "Request Entity Too Large" }));
    return;
  }
  const event = toEvent(req, body);
  const result = await handler(event, lambdaContext(event.requestContext.requestId));
  const headers: Record<string, string | string[]> = { ...result.headers };
  if (result.cookies !== undefined && result.cookies.length > 0)
    headers["set-cookie"] = result.cookies;
  res.writeHead(result.statusCode, headers);
  res.end(
    result.body === undefined
      ? undefined
      : Buffer.from(result.body, result.isBase64Encoded ? "base64" : "utf8"),
  );
}

function toEvent(req: IncomingMessage, body: Buffer): HttpEvent {
  const url = req.url ?? "/";
  const queryAt = url.indexOf("?");
  const rawPath = queryAt === -1 ? url : url.slice(0, queryAt);
  const rawQueryString = queryAt === -1 ? "" : url.slice(queryAt + 1);
  const headers: Record<string, string> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = (req.rawHeaders[i] ?? "").toLowerCase();
    const value = req.rawHeaders[i + 1] ?? "";
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }
  const cookies = headers.cookie?.split(";").map((cookie) => cookie.trim());
  delete headers.cookie;
  const method = (req.method ?? "GET").toUpperCase();
  const now = Date.now();
  const requestId = randomUUID();
  const { text, isBase64Encoded } = encodeBody(body, headers["content-type"]);
  const event: HttpEvent = {
    version: "2.0",
    routeKey: "$default",
    rawPath,
    rawQueryString,
    headers,
    queryStringParameters: queryParameters(rawQueryString),
    requestContext: {
      accountId: "local",
      apiId: "local",
      domainName: headers.host ?? "127.0.0.1",
      domainPrefix: "local",
      http: {
        method,
        path: safeDecode(rawPath),
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? "127.0.0.1",
        userAgent: headers["user-agent"] ?? "",
      },
      requestId,
      routeKey: "$default",
      stage: "$default",
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
    isBase64Encoded,
  };
  if (cookies !== undefined) event.cookies = cookies;
  if (text !== undefined) event.body = text;
  return event;
}

/** Like API Gateway: text stays text when it is valid UTF-8 of a textual type; anything else travels as base64. */
function encodeBody(
  body: Buffer,
  contentType: string | undefined,
): { text: string | undefined; isBase64Encoded: boolean } {
  if (body.length === 0) return { text: undefined, isBase64Encoded: false };
  const type = (contentType ?? "").toLowerCase();
  const textual =
    type.startsWith("text/") ||
    type.includes("json") ||
    type.includes("xml") ||
    type.includes("x-www-form-urlencoded");
  if (textual) {
    try {
      return { text: utf8.decode(body), isBase64Encoded: false };
    } catch {
      // not UTF-8: fall back to base64, as API Gateway does for binary
    }
  }
  return { text: body.toString("base64"), isBase64Encoded: true };
}

function queryParameters(raw: string): Record<string, string> | undefined {
  if (raw === "") return undefined;
  const parameters: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(raw)) {
    parameters[name] = parameters[name] === undefined ? value : `${parameters[name]},${value}`;
  }
  return parameters;
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

export function lambdaContext(requestId: string, functionName = "cordon-api"): Context {
  const deadline = Date.now() + 29_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: "512",
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: "local",
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}
