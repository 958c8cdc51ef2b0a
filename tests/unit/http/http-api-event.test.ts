/**
 * The local gateway's events against events API Gateway's HTTP API really sent
 * (tests/unit/http/http-api-captures.ts): the same request gives the same members with
 * the same types, and the same values wherever a value follows from the request.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  bodyRefusedEvent,
  type GatewayTarget,
  gatewayTargetOf,
  httpApiEvent,
  type ReceivedRequest,
  requestTimeOf,
} from "../../../local/http-api-event.js";
import type { HttpEvent } from "../../../shared/http/event.js";
import { CAPTURES, PATH_CAPTURE_QUERY, PATH_CAPTURES } from "./http-api-captures.js";

/** Every member path with the JavaScript type of its value (arrays by their items). */
function shapeOf(value: unknown, at = ""): Record<string, string> {
  if (Array.isArray(value)) {
    return Object.assign(
      { [at]: "array" },
      ...value.map((item) => shapeOf(item, `${at}[]`)),
    ) as Record<string, string>;
  }
  if (value !== null && typeof value === "object") {
    const shape: Record<string, string> = { [at]: "object" };
    for (const [key, member] of Object.entries(value))
      Object.assign(shape, shapeOf(member, `${at}.${key}`));
    return shape;
  }
  return { [at]: value === null ? "null" : typeof value };
}

function valueAt(event: unknown, path: string): unknown {
  return path
    .split(".")
    .slice(1)
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], event);
}

const targetOf = (target: string): GatewayTarget => {
  const decoded = gatewayTargetOf(target);
  if (decoded === undefined) throw new Error(`the gateway refused ${target}`);
  return decoded;
};

const received = (overrides: Partial<ReceivedRequest> = {}): ReceivedRequest => ({
  method: "GET",
  target: "/v1/me",
  httpVersion: "1.1",
  rawHeaders: ["Host", "127.0.0.1:8080"],
  sourceIp: "127.0.0.1",
  localPort: 8080,
  ...overrides,
});

const eventFor = (request: ReceivedRequest, body = ""): HttpEvent =>
  httpApiEvent(request, targetOf(request.target), Buffer.from(body, "utf8"));

/**
 * Values that differ from a capture by design: ids and times are new for each request,
 * the account and API are local ones, and the local gateway speaks plain HTTP.
 */
const NOT_COMPARED = new Set([
  ".requestContext.requestId",
  ".requestContext.time",
  ".requestContext.timeEpoch",
  ".requestContext.accountId",
  ".requestContext.apiId",
  ".headers.x-amzn-trace-id",
  ".headers.x-forwarded-proto",
]);

describe.each(CAPTURES)("the local gateway against $name", (capture) => {
  const sourceIp = String(valueAt(capture.event, ".requestContext.http.sourceIp"));
  // Prepare: the capture's request, from the capture's client address, on port 443.
  const event = eventFor({ ...capture.request, sourceIp, localPort: 443 }, capture.body);

  it("has the same members, each with the same type", () => {
    expect(shapeOf(event)).toEqual(shapeOf(capture.event));
  });

  it("has the same values wherever they follow from the request", () => {
    const expected = shapeOf(capture.event);
    for (const path of Object.keys(expected)) {
      if (NOT_COMPARED.has(path) || expected[path] === "object" || path === "") continue;
      expect(valueAt(event, path), path).toEqual(valueAt(capture.event, path));
    }
  });

  it("formats the values it makes up as AWS does", () => {
    expect(event.requestContext.requestId).toMatch(/^[A-Za-z0-9_-]{15}=$/);
    expect(capture.event.requestContext).toMatchObject({
      requestId: expect.stringMatching(/^[A-Za-z0-9_-]{15}=$/),
    });
    const time = /^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/;
    expect(event.requestContext.time).toMatch(time);
    expect(Number.isSafeInteger(event.requestContext.timeEpoch)).toBe(true);
    const trace = /^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/;
    expect(event.headers["x-amzn-trace-id"]).toMatch(trace);
    expect(capture.event.headers).toMatchObject({
      "x-amzn-trace-id": expect.stringMatching(trace),
    });
    expect(event.requestContext.accountId).toMatch(/^\d{12}$/);
  });
});

describe("the request time", () => {
  it("is written as AWS writes it, in UTC", () => {
    expect(requestTimeOf(new Date(1783711145766))).toBe("10/Jul/2026:19:19:05 +0000");
    expect(requestTimeOf(new Date(1587481701067))).toBe("21/Apr/2020:15:08:21 +0000");
  });
});

describe("the path AWS hands the Lambda", () => {
  it.each(PATH_CAPTURES)("is $rawPath for $sent, as captured", ({ sent, rawPath }) => {
    const target = gatewayTargetOf(`${sent}?${PATH_CAPTURE_QUERY}`);
    if (rawPath === "refused") {
      expect(target).toBeUndefined();
    } else {
      expect(target).toEqual({ rawPath, rawQueryString: PATH_CAPTURE_QUERY });
    }
  });

  // Not captured; chosen as the captured rules would have it (local/http-api-event.ts).
  it.each([
    ["/v1/%zz", "refused"],
    ["/v1/%", "refused"],
    ["/v1/%FF", "refused"],
    ["/v1/%25FF", "refused"],
    ["/v1/%C3", "refused"],
    ["*", "refused"],
    ["v1/me", "refused"],
    ["/v1/me/", "/v1/me/"],
    ["/v1//me", "/v1//me"],
    ["/v1/bulletins/../me", "/v1/bulletins/../me"],
    ["/v1/bulletins/%2e%2e/me", "/v1/bulletins/../me"],
    ["/v1/m%65", "/v1/me"],
    ["/v1/m%2565", "/v1/me"],
    ["/v1/me+x", "/v1/me+x"],
  ])("is %s → %s where no capture says", (sent, rawPath) => {
    const target = gatewayTargetOf(sent);
    if (rawPath === "refused") expect(target).toBeUndefined();
    else expect(target?.rawPath).toBe(rawPath);
  });

  it("keeps the query exactly as sent, whatever the path", () => {
    fc.assert(
      fc.property(fc.string(), (query) => {
        const target = gatewayTargetOf(`/v1/bulletins?${query}`);
        expect(target).toEqual({ rawPath: "/v1/bulletins", rawQueryString: query });
      }),
    );
  });

  it("is the same decoded path in requestContext.http.path", () => {
    const event = eventFor(received({ target: "/v1/orgs/a%20b/jwks?x=%20" }));
    expect(event.rawPath).toBe("/v1/orgs/a b/jwks");
    expect(event.requestContext.http.path).toBe("/v1/orgs/a b/jwks");
    expect(event.rawQueryString).toBe("x=%20");
  });
});

describe("headers and cookies", () => {
  it("lower-cases names, joins repeats with a bare comma and drops hop-by-hop headers", () => {
    const event = eventFor(
      received({
        rawHeaders: [
          "Host",
          "127.0.0.1:8080",
          "X-Custom",
          "a",
          "x-CUSTOM",
          "b, c",
          "Connection",
          "keep-alive",
          "Keep-Alive",
          "timeout=5",
          "Transfer-Encoding",
          "chunked",
          "Expect",
          "100-continue",
          "Content-Length",
          "999",
        ],
      }),
      "{}",
    );
    expect(event.headers["x-custom"]).toBe("a,b, c");
    for (const gone of ["connection", "keep-alive", "transfer-encoding", "expect"])
      expect(event.headers).not.toHaveProperty(gone);
    expect(event.headers["content-length"]).toBe("2");
  });

  it("moves every Cookie header to cookies, one cookie per entry", () => {
    const event = eventFor(received({ rawHeaders: ["Cookie", "a=1; b=2", "cookie", "c=3;;"] }));
    expect(event.cookies).toEqual(["a=1", "b=2", "c=3"]);
    expect(event.headers).not.toHaveProperty("cookie");
    expect(eventFor(received())).not.toHaveProperty("cookies");
  });

  it("adds the forwarding headers and keeps a client's X-Forwarded-For in front", () => {
    const event = eventFor(
      received({ rawHeaders: ["X-Forwarded-For", "192.0.2.1"], sourceIp: "127.0.0.1" }),
    );
    expect(event.headers["x-forwarded-for"]).toBe("192.0.2.1, 127.0.0.1");
    expect(event.headers["x-forwarded-port"]).toBe("8080");
    expect(event.headers["x-forwarded-proto"]).toBe("http");
    expect(event.requestContext.domainName).toBe("127.0.0.1");
  });
});

describe("the body", () => {
  it.each([
    ["application/json", false],
    ["application/json; charset=utf-8", false],
    ["Application/JSON", false],
    ["text/plain", false],
    ["text/csv; charset=utf-8", false],
    ["application/xml", false],
    ["application/javascript", false],
    ["application/x-www-form-urlencoded", true],
    ["application/problem+json", true],
    ["application/octet-stream", true],
    ["multipart/form-data; boundary=x", true],
    [undefined, true],
  ])("of type %s is base64: %s", (contentType, base64) => {
    const bytes = '{"a":"λ"}';
    const event = eventFor(
      received({
        method: "POST",
        rawHeaders: contentType === undefined ? [] : ["Content-Type", contentType],
      }),
      bytes,
    );
    expect(event.isBase64Encoded).toBe(base64);
    expect(event.body).toBe(base64 ? Buffer.from(bytes).toString("base64") : bytes);
  });

  it("is absent when empty, as is queryStringParameters without a query", () => {
    const event = eventFor(received({ method: "POST" }));
    expect(event).not.toHaveProperty("body");
    expect(event).not.toHaveProperty("queryStringParameters");
    expect(event.isBase64Encoded).toBe(false);
    expect(event.headers["content-length"]).toBe("0");
  });

  it("is left out, with its length, when the API refuses it unread", () => {
    const request = received({
      method: "POST",
      rawHeaders: ["Content-Type", "application/json", "Content-Length", "10000000"],
    });
    const event = bodyRefusedEvent(request, targetOf(request.target), 10_000_000);
    expect(event.headers["content-length"]).toBe("10000000");
    expect(event).not.toHaveProperty("body");
  });
});
