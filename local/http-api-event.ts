/**
 * What API Gateway's HTTP API does to a request before the api Lambda sees it, as pure
 * functions: the local gateway hands the handler the payload-format-2.0 event AWS would
 * build, and refuses what AWS's gateway refuses itself. Each rule says what it was
 * checked against:
 *
 * - [voker] live HTTP API captures (us-west-2, July 2026) in hotsock/voker:
 *   `vokerhttp/testdata/apigwv2-request.json` (an encoded path, repeated query
 *   parameters and headers, two cookies, a JSON body) and
 *   `vokerhttp/testdata/ingress-paths.json` (what `rawPath` becomes for `%20`, `%3F`,
 *   `%25`, `%23`, `%2F`, UTF-8 and double-encoded paths, sent by
 *   `examples/aws-ingress-probe/paths.py`).
 * - [powertools] aws-powertools/powertools-lambda-typescript
 *   `packages/parser/tests/events/apigw-http/no-auth.json` (captured June 2024, HTTPie).
 * - [lambda-go] aws/aws-lambda-go `events/testdata/apigw-v2-request-no-authorizer.json`
 *   (curl).
 * - [ministack] ministackorg/ministack pull request 766: which content types arrive as
 *   text, verified against AWS (the AWS guide does not list them).
 * - [guide] AWS, "Create AWS Lambda proxy integrations for HTTP APIs in API Gateway",
 *   payload format 2.0: no multi-value fields; repeated headers and query parameters
 *   are joined with commas; cookies go to `cookies`; a binary body is base64-encoded.
 *
 * tests/unit/http/http-api-event.test.ts holds reduced copies of those captures and
 * compares events built here with them, field by field.
 */
import { randomBytes } from "node:crypto";
import type { HttpEvent } from "../shared/http/event.js";

/** The request as the local server received it: Node's request line and raw headers. */
export interface ReceivedRequest {
  method: string;
  /** The request target as sent (Node's `req.url`): path and query, undecoded. */
  target: string;
  /** `1.1`, `1.0`. */
  httpVersion: string;
  /** Name, value, name, value… with names as sent and repeats kept. */
  rawHeaders: readonly string[];
  sourceIp: string;
  /** The port the client connected to. */
  localPort: number;
}

/** The path and query the Lambda sees, once the gateway has decoded the path. */
export interface GatewayTarget {
  rawPath: string;
  rawQueryString: string;
}

/** API Gateway's own answers, sent without invoking the Lambda. */
export const GATEWAY_ANSWERS = {
  /** A path it cannot decode ([voker]: `/capture/percent%25done`). */
  badRequest: { status: 400, body: '{"message":"Bad Request"}' },
  /** A body over its payload limit (10 MiB, API Gateway quotas). */
  tooLarge: { status: 413, body: '{"message":"Request Entity Too Large"}' },
} as const;

/** API Gateway's payload limit, which AWS does not raise. */
export const GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;

/**
 * The `rawPath` and `rawQueryString` AWS hands the Lambda, or undefined where the
 * gateway answers 400 itself. [voker] shows the path percent-decoded twice, with the
 * path cut at a `?` that the first decoding produced:
 *
 *   sent                          rawPath
 *   /capture/space%20value        /capture/space value
 *   /capture/question%3Fvalue     /capture/question        (the rest is dropped)
 *   /capture/hash%23value         /capture/hash#value
 *   /capture/slash%2Fvalue        /capture/slash/value
 *   /capture/unicode-%CE%BB       /capture/unicode-λ
 *   /capture/literal%252Fvalue    /capture/literal/value   (decoded twice)
 *   /capture/literal%253Fvalue    /capture/literal?value   (the `?` of the 2nd decoding stays)
 *   /capture/literal%2525value    /capture/literal%value
 *   /capture/percent%25done       400: "%do" does not decode the second time
 *
 * The query string is passed exactly as sent ([voker]: `%3A%2F`, `+` and `%2B` kept).
 * Not in any capture, and chosen to fail the same way: a malformed escape or bytes that
 * are not UTF-8 in either decoding, and a target that is not a path, are the gateway's
 * 400. Empty segments, trailing slashes and `.`/`..` segments are passed as they come
 * (a trailing slash is kept on AWS, floci issue 2136); the hub's router refuses them.
 */
export function gatewayTargetOf(target: string): GatewayTarget | undefined {
  const queryAt = target.indexOf("?");
  const sentPath = queryAt === -1 ? target : target.slice(0, queryAt);
  const rawQueryString = queryAt === -1 ? "" : target.slice(queryAt + 1);
  if (!sentPath.startsWith("/")) return undefined;
  const once = percentDecoded(sentPath);
  if (once === undefined) return undefined;
  const cutAt = once.indexOf("?");
  const twice = percentDecoded(cutAt === -1 ? once : once.slice(0, cutAt));
  if (twice === undefined) return undefined;
  return { rawPath: twice, rawQueryString };
}

function percentDecoded(path: string): string | undefined {
  try {
    return decodeURIComponent(path);
  } catch {
    return undefined;
  }
}

/**
 * Headers AWS does not pass on. [powertools] was sent by HTTPie, which always sends
 * `Connection: keep-alive`, and has no `connection`; the others are hop-by-hop
 * (RFC 9110 §7.6.1) or answered by the gateway (`expect`), and the body arrives whole,
 * so `transfer-encoding` is gone too. `content-length` is set to the body's length.
 */
const NOT_PASSED_ON = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "te",
  "trailer",
  "upgrade",
  "expect",
  "content-length",
]);

/**
 * The payload-format-2.0 event for a request whose path the gateway accepted
 * ({@link gatewayTargetOf}) and whose whole body arrived.
 */
export function httpApiEvent(
  request: ReceivedRequest,
  target: GatewayTarget,
  body: Uint8Array,
  now: Date = new Date(),
): HttpEvent {
  return eventOf(request, target, body.length, body, now);
}

/**
 * The event for a body the API refuses unread (DESIGN §9: size is checked first, and
 * no route takes more than the API's limit): the headers AWS would pass, with
 * `content-length` at least what arrived, and no body. The api handler answers it
 * with the same 413 it gives the whole body, from `content-length` alone.
 */
export function bodyRefusedEvent(
  request: ReceivedRequest,
  target: GatewayTarget,
  receivedAtLeast: number,
  now: Date = new Date(),
): HttpEvent {
  return eventOf(request, target, receivedAtLeast, new Uint8Array(0), now);
}

function eventOf(
  request: ReceivedRequest,
  target: GatewayTarget,
  contentLength: number,
  body: Uint8Array,
  now: Date,
): HttpEvent {
  const { headers, cookies } = headersOf(request, contentLength, now);
  const queryStringParameters = queryParametersOf(target.rawQueryString);
  const domainName = hostNameOf(headers.host);
  const encoded = encodedBody(body, headers["content-type"]);
  return {
    version: "2.0",
    // The stack has one `$default` route (lib/api.ts): no `pathParameters`, no
    // `stageVariables` ([powertools] has neither; [voker]'s nulls are its Go logger's).
    routeKey: "$default",
    rawPath: target.rawPath,
    rawQueryString: target.rawQueryString,
    ...(cookies.length === 0 ? {} : { cookies }),
    headers,
    // Absent when there is no query ([powertools], [lambda-go]).
    ...(queryStringParameters === undefined ? {} : { queryStringParameters }),
    requestContext: {
      // No `authorizer` and no `authentication`: the API has no authorizer and no
      // mutual TLS (lib/api.ts); [voker] shows them empty only because of its logger.
      accountId: "000000000000",
      apiId: "local",
      domainName,
      domainPrefix: domainName.split(".")[0] ?? domainName,
      http: {
        method: request.method.toUpperCase(),
        // The decoded path, as rawPath ([voker]: both "/capture/space value").
        path: target.rawPath,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.sourceIp,
        userAgent: headers["user-agent"] ?? "",
      },
      requestId: gatewayRequestId(),
      routeKey: "$default",
      stage: "$default",
      time: requestTimeOf(now),
      timeEpoch: now.getTime(),
    },
    ...(encoded === undefined ? {} : { body: encoded.text }),
    isBase64Encoded: encoded?.isBase64Encoded ?? false,
  };
}

/**
 * Lower-cased names, repeats joined with a bare comma ([voker]: `x-voker-probe:
 * first,second`), cookies moved to `cookies` one per entry ([voker]: `["session=abc123",
 * "theme=dark"]` from one `Cookie` header), and the headers the gateway adds
 * ([powertools], [lambda-go]): `content-length` always, `0` without a body (curl sends
 * none on a GET, yet the event has "0"), `x-forwarded-for`/`-port`/`-proto` and
 * `x-amzn-trace-id`.
 */
function headersOf(
  request: ReceivedRequest,
  contentLength: number,
  now: Date,
): { headers: Record<string, string>; cookies: string[] } {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let i = 0; i + 1 < request.rawHeaders.length; i += 2) {
    const name = (request.rawHeaders[i] ?? "").toLowerCase();
    const value = request.rawHeaders[i + 1] ?? "";
    if (name === "cookie") {
      for (const cookie of value.split(";")) {
        const trimmed = cookie.trim();
        if (trimmed !== "") cookies.push(trimmed);
      }
      continue;
    }
    if (NOT_PASSED_ON.has(name)) continue;
    const previous = headers[name];
    headers[name] = previous === undefined ? value : `${previous},${value}`;
  }
  headers["content-length"] = String(contentLength);
  // A client's own X-Forwarded-For is kept in front, as proxies append (not captured).
  const forwardedFor = headers["x-forwarded-for"];
  headers["x-forwarded-for"] =
    forwardedFor === undefined ? request.sourceIp : `${forwardedFor}, ${request.sourceIp}`;
  headers["x-forwarded-port"] = String(request.localPort);
  headers["x-forwarded-proto"] = "http";
  headers["x-amzn-trace-id"] ??= traceIdOf(now);
  return { headers, cookies };
}

/** Decoded, repeats joined with commas ([voker]: `repeat=one&repeat=two` → `"one,two"`, `a+b` → `"a b"`). */
function queryParametersOf(raw: string): Record<string, string> | undefined {
  if (raw === "") return undefined;
  const parameters: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(raw)) {
    const previous = parameters[name];
    parameters[name] = previous === undefined ? value : `${previous},${value}`;
  }
  return parameters;
}

/**
 * Text for `text/*`, `application/json`, `application/xml` and `application/javascript`
 * (media type only, any parameters); base64 for everything else, a missing content type
 * and `application/x-www-form-urlencoded` included ([ministack]; [voker]: JSON as text).
 * Bytes that are not UTF-8 in a textual body become U+FFFD, as a decoder that is not
 * told otherwise does (not captured: the body then no longer matches the token's `bsh`,
 * and the hub answers 401).
 */
function encodedBody(
  body: Uint8Array,
  contentType: string | undefined,
): { text: string; isBase64Encoded: boolean } | undefined {
  if (body.length === 0) return undefined;
  const mediaType = (contentType ?? "").split(";", 1)[0]?.trim().toLowerCase() ?? "";
  const textual =
    mediaType.startsWith("text/") ||
    mediaType === "application/json" ||
    mediaType === "application/xml" ||
    mediaType === "application/javascript";
  return textual
    ? { text: new TextDecoder("utf-8").decode(body), isBase64Encoded: false }
    : { text: Buffer.from(body).toString("base64"), isBase64Encoded: true };
}

/** The Host header without its port: AWS's `domainName` never carries one. */
function hostNameOf(host: string | undefined): string {
  if (host === undefined || host === "") return "127.0.0.1";
  if (host.startsWith("[")) return host.slice(0, host.indexOf("]") + 1);
  return host.split(":")[0] ?? host;
}

/** 16 characters, base64url of 11 bytes with its padding, like `ZhNHJhhLjoEEPiw=` and `LV7fzho-PHcEJPw=`. */
function gatewayRequestId(): string {
  return `${randomBytes(11).toString("base64url")}=`;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** `17/Jun/2024:15:52:39 +0000`: the access-log time, in UTC. */
export function requestTimeOf(at: Date): string {
  const two = (n: number) => String(n).padStart(2, "0");
  return `${two(at.getUTCDate())}/${MONTHS[at.getUTCMonth()]}/${at.getUTCFullYear()}:${two(at.getUTCHours())}:${two(at.getUTCMinutes())}:${two(at.getUTCSeconds())} +0000`;
}

/** `Root=1-<epoch seconds, 8 hex>-<24 hex>`, as in every capture. */
function traceIdOf(at: Date): string {
  const seconds = Math.floor(at.getTime() / 1000)
    .toString(16)
    .padStart(8, "0");
  return `Root=1-${seconds}-${randomBytes(12).toString("hex")}`;
}
