/**
 * Events API Gateway's HTTP API (payload format 2.0) really handed to Lambda, reduced:
 * the structure, the types and every value that follows from the request are as
 * captured; addresses, account and API ids are replaced by documentation values, and
 * members that only an authorizer, mutual TLS or a capturing logger adds are left out
 * (each `left out` note says which). Beside each, the request that produced it, so a
 * test can send the same request through the local gateway and compare.
 *
 * Sources (see local/http-api-event.ts for what each rule took from them):
 * - voker: hotsock/voker `vokerhttp/testdata/apigwv2-request.json` and `README.md`
 *   (CloudWatch, us-west-2, 10 July 2026; curl/8.7.1).
 * - powertools: aws-powertools/powertools-lambda-typescript
 *   `packages/parser/tests/events/apigw-http/no-auth.json` (17 June 2024; HTTPie/3.2.2).
 * - lambda-go: aws/aws-lambda-go `events/testdata/apigw-v2-request-no-authorizer.json`
 *   (21 April 2020; curl/7.58.0).
 */
import type { ReceivedRequest } from "../../../local/http-api-event.js";

export interface Capture {
  name: string;
  /** What the client sent. */
  request: Omit<ReceivedRequest, "sourceIp" | "localPort">;
  body: string;
  /** What AWS handed the Lambda (reduced as said above). */
  event: Record<string, unknown>;
}

const vokerBody = '{"message":"hello from the public internet","unicode":"lambda-λ"}';

export const CAPTURES: readonly Capture[] = [
  {
    name: "voker: POST with an encoded path, a repeated query and header, cookies, JSON",
    request: {
      method: "POST",
      target:
        "/capture/space%20value?repeat=one&repeat=two&redirect=https%3A%2F%2Fexample.com%2Fa%2Fb&literalPlus=a+b&encodedPlus=a%2Bb&empty=",
      httpVersion: "1.1",
      rawHeaders: [
        "Host",
        "abcdefghij.execute-api.us-west-2.amazonaws.com",
        "User-Agent",
        "curl/8.7.1",
        "Accept",
        "*/*",
        "Cookie",
        "session=abc123; theme=dark",
        "X-Voker-Probe",
        "first",
        "X-Voker-Probe",
        "second",
        "Content-Type",
        "application/json",
        "Content-Length",
        String(Buffer.byteLength(vokerBody)),
      ],
    },
    body: vokerBody,
    event: {
      version: "2.0",
      routeKey: "$default",
      rawPath: "/capture/space value",
      rawQueryString:
        "repeat=one&repeat=two&redirect=https%3A%2F%2Fexample.com%2Fa%2Fb&literalPlus=a+b&encodedPlus=a%2Bb&empty=",
      cookies: ["session=abc123", "theme=dark"],
      headers: {
        accept: "*/*",
        "content-length": "66",
        "content-type": "application/json",
        host: "abcdefghij.execute-api.us-west-2.amazonaws.com",
        "user-agent": "curl/8.7.1",
        "x-amzn-trace-id": "Root=1-6a5145a9-1bae89e2512ec92d5d9438a0",
        "x-forwarded-for": "198.51.100.18",
        "x-forwarded-port": "443",
        "x-forwarded-proto": "https",
        "x-voker-probe": "first,second",
      },
      queryStringParameters: {
        empty: "",
        encodedPlus: "a+b",
        literalPlus: "a b",
        redirect: "https://example.com/a/b",
        repeat: "one,two",
      },
      // left out: "pathParameters": null and "stageVariables": null, which the capture's
      // Go event logger writes for absent members.
      requestContext: {
        accountId: "123456789012",
        apiId: "abcdefghij",
        // left out: "authentication" and "authorizer", all empty strings and nulls from
        // the same logger (the probe had neither mutual TLS nor an authorizer).
        domainName: "abcdefghij.execute-api.us-west-2.amazonaws.com",
        domainPrefix: "abcdefghij",
        http: {
          method: "POST",
          path: "/capture/space value",
          protocol: "HTTP/1.1",
          sourceIp: "198.51.100.18",
          userAgent: "curl/8.7.1",
        },
        requestId: "ATfSmjLgPHcESJw=",
        routeKey: "$default",
        stage: "$default",
        time: "10/Jul/2026:19:19:05 +0000",
        timeEpoch: 1783711145766,
      },
      body: vokerBody,
      isBase64Encoded: false,
    },
  },
  {
    name: "powertools: POST without a body, HTTPie",
    request: {
      method: "POST",
      target: "/lambda",
      httpVersion: "1.1",
      rawHeaders: [
        "Host",
        "abcdefghij.execute-api.eu-west-1.amazonaws.com",
        "User-Agent",
        "HTTPie/3.2.2",
        "Accept-Encoding",
        "gzip, deflate",
        "Accept",
        "*/*",
        "Connection",
        "keep-alive",
        "Authorization",
        "Bearer foo",
        "Content-Length",
        "0",
      ],
    },
    body: "",
    event: {
      version: "2.0",
      // The capture's route was `POST /lambda`; Cordon's one route is `$default`.
      routeKey: "$default",
      rawPath: "/lambda",
      rawQueryString: "",
      headers: {
        accept: "*/*",
        "accept-encoding": "gzip, deflate",
        authorization: "Bearer foo",
        "content-length": "0",
        host: "abcdefghij.execute-api.eu-west-1.amazonaws.com",
        "user-agent": "HTTPie/3.2.2",
        "x-amzn-trace-id": "Root=1-66705bc7-2b4257df30cbee696ef2cf28",
        "x-forwarded-for": "203.0.113.126",
        "x-forwarded-port": "443",
        "x-forwarded-proto": "https",
      },
      requestContext: {
        accountId: "123456789012",
        apiId: "abcdefghij",
        // left out: "authorizer": {"lambda": null} (the capture's API had an authorizer
        // on other routes).
        domainName: "abcdefghij.execute-api.eu-west-1.amazonaws.com",
        domainPrefix: "abcdefghij",
        http: {
          method: "POST",
          path: "/lambda",
          protocol: "HTTP/1.1",
          sourceIp: "203.0.113.126",
          userAgent: "HTTPie/3.2.2",
        },
        requestId: "ZhNHJhhLjoEEPiw=",
        routeKey: "$default",
        stage: "$default",
        time: "17/Jun/2024:15:52:39 +0000",
        timeEpoch: 1718639559080,
      },
      isBase64Encoded: false,
    },
  },
  {
    name: "lambda-go: GET /, curl, no Content-Length sent",
    request: {
      method: "GET",
      target: "/",
      httpVersion: "1.1",
      rawHeaders: [
        "Host",
        "abcdefghij.execute-api.us-west-2.amazonaws.com",
        "User-Agent",
        "curl/7.58.0",
        "Accept",
        "*/*",
      ],
    },
    body: "",
    event: {
      version: "2.0",
      routeKey: "$default",
      rawPath: "/",
      rawQueryString: "",
      headers: {
        accept: "*/*",
        "content-length": "0",
        host: "abcdefghij.execute-api.us-west-2.amazonaws.com",
        "user-agent": "curl/7.58.0",
        "x-amzn-trace-id": "Root=1-5e9f0c65-1de4d666d4dd26aced652b6c",
        "x-forwarded-for": "192.0.2.4",
        "x-forwarded-port": "443",
        "x-forwarded-proto": "https",
      },
      requestContext: {
        accountId: "123456789012",
        apiId: "abcdefghij",
        // left out: "authentication": {"clientCert": …} (the sample's API used mutual TLS).
        domainName: "abcdefghij.execute-api.us-west-2.amazonaws.com",
        domainPrefix: "abcdefghij",
        http: {
          method: "GET",
          path: "/",
          protocol: "HTTP/1.1",
          sourceIp: "192.0.2.4",
          userAgent: "curl/7.58.0",
        },
        requestId: "LV7fzho-PHcEJPw=",
        routeKey: "$default",
        stage: "$default",
        time: "21/Apr/2020:15:08:21 +0000",
        timeEpoch: 1587481701067,
      },
      isBase64Encoded: false,
    },
  },
];

/**
 * hotsock/voker `vokerhttp/testdata/ingress-paths.json`: paths sent to a live HTTP API
 * and the `rawPath` its Lambda got, or `refused` where the gateway answered 400 itself.
 */
export const PATH_CAPTURES: readonly { sent: string; rawPath: string | "refused" }[] = [
  { sent: "/capture/plain", rawPath: "/capture/plain" },
  { sent: "/capture/space%20value", rawPath: "/capture/space value" },
  { sent: "/capture/question%3Fvalue", rawPath: "/capture/question" },
  { sent: "/capture/percent%25done", rawPath: "refused" },
  { sent: "/capture/hash%23value", rawPath: "/capture/hash#value" },
  { sent: "/capture/slash%2Fvalue", rawPath: "/capture/slash/value" },
  { sent: "/capture/unicode-%CE%BB-%E4%B8%96%E7%95%8C", rawPath: "/capture/unicode-λ-世界" },
  { sent: "/capture/literal%252Fvalue", rawPath: "/capture/literal/value" },
  { sent: "/capture/literal%253Fvalue", rawPath: "/capture/literal?value" },
  { sent: "/capture/literal%2525value", rawPath: "/capture/literal%value" },
];

/** The query string sent with every path of PATH_CAPTURES, which arrived unchanged. */
export const PATH_CAPTURE_QUERY = "marker=path-probe&value=a%3Fb%25c%23d&repeat=one&repeat=two";
