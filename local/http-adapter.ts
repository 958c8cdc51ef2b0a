/**
 * The local stand-in for API Gateway's HTTP API: a Node HTTP server that turns each
 * request into the payload-format-2.0 event AWS would build (local/http-api-event.ts)
 * for the same handler that runs on Lambda, refuses what AWS's gateway refuses itself,
 * and turns the handler's result back into an HTTP response.
 *
 * A connection holds at most the API's body limit plus one chunk: no route takes a
 * body over 256 KiB and the handler refuses one before anything else (DESIGN §9), so a
 * body past that limit is not kept — the handler gets its headers and answers the same
 * 413 it gives on AWS, and the rest of the body is dropped as it arrives.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Context } from "aws-lambda";
import type { ApiHandler } from "../lambdas/api.js";
import type { HttpEvent, HttpResult } from "../shared/http/event.js";
import { MAX_BODY_BYTES } from "../shared/http/middlewares/body-limit.js";
import { readBodyWithin } from "../shared/http/read-body.js";
import type { StaticSite } from "./console-site.js";
import {
  bodyRefusedEvent,
  GATEWAY_ANSWERS,
  GATEWAY_MAX_BODY_BYTES,
  type GatewayTarget,
  gatewayTargetOf,
  httpApiEvent,
  type ReceivedRequest,
} from "./http-api-event.js";

export function createApiGatewayServer(
  handler: ApiHandler,
  onError: (error: unknown) => void,
  site?: StaticSite,
): Server {
  const serve = (req: IncomingMessage, res: ServerResponse) => {
    const answered = site?.serves(req) ? site.serve(req, res) : answer(handler, req, res);
    void answered.catch((error: unknown) => {
      onError(error);
      if (!res.headersSent) {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ message: "Internal Server Error" }));
      } else {
        res.destroy();
      }
    });
  };
  const server = createServer(serve);
  // A client that waits for "100 Continue" is not asked for a body that will be refused.
  server.on("checkContinue", (req: IncomingMessage, res: ServerResponse) => {
    const acceptable =
      gatewayTargetOf(req.url ?? "/") !== undefined && (declaredLength(req) ?? 0) <= MAX_BODY_BYTES;
    if (acceptable) res.writeContinue();
    serve(req, res);
  });
  return server;
}

async function answer(
  handler: ApiHandler,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const received = receivedOf(req);
  const target = gatewayTargetOf(received.target);
  if (target === undefined) return answerAsGateway(res, GATEWAY_ANSWERS.badRequest);
  const declared = declaredLength(req);
  if (declared !== undefined && declared > GATEWAY_MAX_BODY_BYTES)
    return answerAsGateway(res, GATEWAY_ANSWERS.tooLarge);

  const event = await eventFor(req, res, received, target, declared);
  const result = await handler(event, lambdaContext(randomUUID()));
  writeResult(res, result);
}

/** The event for the handler, reading the body only while the API could accept it. */
async function eventFor(
  req: IncomingMessage,
  res: ServerResponse,
  received: ReceivedRequest,
  target: GatewayTarget,
  declared: number | undefined,
): Promise<HttpEvent> {
  if (declared !== undefined && declared > MAX_BODY_BYTES) {
    // Not read at all. Framed by its Content-Length (at most the gateway's 10 MiB), the
    // body is dropped as it arrives and the connection stays usable; a client waiting
    // for "100 Continue" never sends it, so that connection is closed after the answer.
    if (req.headers.expect !== undefined) res.setHeader("connection", "close");
    req.resume();
    return bodyRefusedEvent(received, target, declared);
  }
  const read = await readBodyWithin(req, MAX_BODY_BYTES);
  if (read.complete) return httpApiEvent(received, target, read.bytes);
  // A chunked body past the limit: what follows is dropped, up to what AWS's gateway
  // would take at all; past that the connection is cut.
  let total = read.receivedBytes;
  req.on("data", (chunk: Buffer) => {
    total += chunk.length;
    if (total > GATEWAY_MAX_BODY_BYTES) req.socket.destroy();
  });
  return bodyRefusedEvent(received, target, read.receivedBytes);
}

function receivedOf(req: IncomingMessage): ReceivedRequest {
  return {
    method: req.method ?? "GET",
    target: req.url ?? "/",
    httpVersion: req.httpVersion,
    rawHeaders: req.rawHeaders,
    sourceIp: req.socket.remoteAddress ?? "127.0.0.1",
    localPort: req.socket.localPort ?? 0,
  };
}

/** The Content-Length the client declared (Node has checked it is one number), if any. */
function declaredLength(req: IncomingMessage): number | undefined {
  const header = req.headers["content-length"];
  return header === undefined ? undefined : Number(header);
}

/** An answer of API Gateway itself; the connection is not kept, as the body was not read. */
function answerAsGateway(res: ServerResponse, answer: { status: number; body: string }): void {
  res.writeHead(answer.status, { "content-type": "application/json", connection: "close" });
  res.end(answer.body);
}

function writeResult(res: ServerResponse, result: HttpResult): void {
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

/** A Lambda context as the runtime gives one: its own request id, not the gateway's. */
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
