/**
 * The local gateway over real sockets, with the real hub behind it:
 * - a request with an encoded or odd path gets, locally, the status that AWS's rules
 *   predict (the handler called with the path API Gateway would hand it, and the
 *   gateway's own 400 where AWS refuses the path);
 * - a body over the API's limit is answered 413 after reading at most the limit plus
 *   one socket read, measured as the bytes the server had read from the socket when
 *   it asked the handler; a declared one is answered before any of it is read.
 */
import { connect, type Socket } from "node:net";
import type { Context } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiHandler, createApiHandler } from "../../lambdas/api.js";
import { createApiGatewayServer } from "../../local/http-adapter.js";
import { closeServer, LOOPBACK, listenOnLoopback } from "../../local/loopback.js";
import { MAX_BODY_BYTES } from "../../shared/http/middlewares/body-limit.js";
import { signRequestToken } from "../../shared/signatures/request-token.js";
import { apiEvent } from "../helpers/api-event.js";
import { startTestHub, type TestHub, type TestOrg } from "../helpers/hub.js";
import { sendRaw } from "../helpers/raw-http.js";

let t: TestHub;
let org: TestOrg;
let api: ApiHandler;

beforeAll(async () => {
  t = await startTestHub();
  org = await t.onboard("gateway-probe", { roles: ["screen"] });
  api = createApiHandler(t.hub.deps);
});
afterAll(() => t.stop());

const context = { awsRequestId: "direct" } as Context;

async function tokenFor(method: string, htu: string): Promise<string> {
  const token = await signRequestToken({
    iss: org.id,
    aud: t.hub.deps.audience,
    method,
    pathAndQuery: htu,
    key: org.key,
  });
  return `Bearer ${token}`;
}

interface PathCase {
  name: string;
  /** The request target as sent, byte for byte. */
  sent: string;
  /** What the token's `htu` says. */
  htu: string;
  /** The path and query API Gateway hands the Lambda (captured rules), or its own 400. */
  aws: string | "gateway 400";
  status: number;
}

// `{org}` stands for the probe's organisation id.
const PATH_CASES: PathCase[] = [
  { name: "a plain path", sent: "/v1/me", htu: "/v1/me", aws: "/v1/me", status: 200 },
  {
    name: "%20 in an id",
    sent: "/v1/orgs/{org}%20x/jwks",
    htu: "/v1/orgs/{org}%20x/jwks",
    aws: "/v1/orgs/{org} x/jwks",
    status: 404,
  },
  {
    name: "%3F, signed as sent",
    sent: "/v1/me%3Fa=1",
    htu: "/v1/me%3Fa=1",
    aws: "/v1/me",
    status: 401,
  },
  {
    name: "%3F, signed as AWS cuts it",
    sent: "/v1/me%3Fa=1",
    htu: "/v1/me",
    aws: "/v1/me",
    status: 200,
  },
  {
    name: "%3F before a real query",
    sent: "/v1/me%3Fa=1?limit=1",
    htu: "/v1/me?limit=1",
    aws: "/v1/me?limit=1",
    status: 200,
  },
  { name: "%25", sent: "/v1/me%25", htu: "/v1/me%25", aws: "gateway 400", status: 400 },
  {
    name: "an escape that does not decode",
    sent: "/v1/%zz",
    htu: "/v1/%zz",
    aws: "gateway 400",
    status: 400,
  },
  {
    name: "%25 in a query",
    sent: "/v1/me?x=%25",
    htu: "/v1/me?x=%25",
    aws: "/v1/me?x=%25",
    status: 200,
  },
  {
    name: "%2F in an id",
    sent: "/v1/orgs/{org}%2Fx/jwks",
    htu: "/v1/orgs/{org}%2Fx/jwks",
    aws: "/v1/orgs/{org}/x/jwks",
    status: 404,
  },
  {
    name: "UTF-8 in an id",
    sent: "/v1/orgs/%CE%BB/jwks",
    htu: "/v1/orgs/%CE%BB/jwks",
    aws: "/v1/orgs/λ/jwks",
    status: 404,
  },
  {
    name: "an unreserved character encoded, signed as sent",
    sent: "/v1/m%65",
    htu: "/v1/m%65",
    aws: "/v1/me",
    status: 401,
  },
  {
    name: "an unreserved character encoded, signed decoded",
    sent: "/v1/m%65",
    htu: "/v1/me",
    aws: "/v1/me",
    status: 200,
  },
  { name: "a trailing slash", sent: "/v1/me/", htu: "/v1/me/", aws: "/v1/me/", status: 404 },
  { name: "a double slash", sent: "/v1//me", htu: "/v1//me", aws: "/v1//me", status: 404 },
  {
    name: "a .. segment",
    sent: "/v1/orgs/../jwks",
    htu: "/v1/orgs/../jwks",
    aws: "/v1/orgs/../jwks",
    status: 404,
  },
  {
    name: "%2e%2e",
    sent: "/v1/orgs/%2e%2e/jwks",
    htu: "/v1/orgs/%2e%2e/jwks",
    aws: "/v1/orgs/../jwks",
    status: 404,
  },
];

describe("a path as AWS would hand it", () => {
  it.each(PATH_CASES)("$name: $status locally and as AWS's rules predict", async (c) => {
    const sent = c.sent.replaceAll("{org}", org.id);
    const htu = c.htu.replaceAll("{org}", org.id);
    const aws = c.aws.replaceAll("{org}", org.id);

    // Act: through the local gateway, and straight to the handler with AWS's event.
    const local = await sendRaw(t.hub.url, {
      method: "GET",
      path: sent,
      headers: [["authorization", await tokenFor("GET", htu)]],
    });
    const direct =
      aws === "gateway 400"
        ? { statusCode: 400, body: '{"message":"Bad Request"}' }
        : await api(
            apiEvent("GET", aws, { headers: { authorization: await tokenFor("GET", htu) } }),
            context,
          );

    // Assess
    expect(local.status, local.text).toBe(c.status);
    expect(direct.statusCode).toBe(c.status);
    if (aws === "gateway 400") expect(local.text).toBe(direct.body);
    else
      expect(local.headers["content-type"]).toBe(
        c.status === 200 ? "application/json" : "application/problem+json",
      );
  });
});

/** One connection to a gateway, reading its answers one by one. */
class RawConnection {
  private buffered = Buffer.alloc(0);
  private waiting: (() => void) | undefined;
  closed = false;

  private constructor(readonly socket: Socket) {
    socket.on("data", (data: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, data]);
      this.waiting?.();
    });
    socket.on("close", () => {
      this.closed = true;
      this.waiting?.();
    });
    // A write after the server cut the connection fails; the test reads what came before.
    socket.on("error", () => {});
  }

  static open(port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, LOOPBACK, () => resolve(new RawConnection(socket)));
      socket.once("error", reject);
    });
  }

  /** Writes, waiting for the socket to take it (or to close). */
  write(data: string | Buffer): Promise<void> {
    return new Promise((resolve) => {
      if (this.closed || this.socket.write(data)) return resolve();
      const done = () => {
        this.socket.off("drain", done);
        this.socket.off("close", done);
        resolve();
      };
      this.socket.once("drain", done);
      this.socket.once("close", done);
    });
  }

  /** The next answer: status, lower-cased headers and its body (by length or chunked). */
  async answer(): Promise<{ status: number; headers: Record<string, string>; body: string }> {
    for (;;) {
      const parsed = this.parseAnswer();
      if (parsed !== undefined) return parsed;
      if (this.closed) throw new Error("the connection closed before a whole answer came");
      await new Promise<void>((resolve) => {
        this.waiting = resolve;
      });
      this.waiting = undefined;
    }
  }

  private parseAnswer() {
    const headEnd = this.buffered.indexOf("\r\n\r\n");
    if (headEnd === -1) return undefined;
    const [statusLine = "", ...lines] = this.buffered
      .subarray(0, headEnd)
      .toString("latin1")
      .split("\r\n");
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(":");
      headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
    }
    let at = headEnd + 4;
    const body: Buffer[] = [];
    if (headers["transfer-encoding"] === "chunked") {
      for (;;) {
        const sizeEnd = this.buffered.indexOf("\r\n", at);
        if (sizeEnd === -1) return undefined;
        const size = Number.parseInt(this.buffered.subarray(at, sizeEnd).toString("latin1"), 16);
        if (this.buffered.length < sizeEnd + 2 + size + 2) return undefined;
        body.push(this.buffered.subarray(sizeEnd + 2, sizeEnd + 2 + size));
        at = sizeEnd + 2 + size + 2;
        if (size === 0) break;
      }
    } else {
      const length = Number(headers["content-length"] ?? "0");
      if (this.buffered.length < at + length) return undefined;
      body.push(this.buffered.subarray(at, at + length));
      at += length;
    }
    this.buffered = this.buffered.subarray(at);
    const status = Number(statusLine.split(" ")[1]);
    return { status, headers, body: Buffer.concat(body).toString("utf8") };
  }
}

describe("a body over the API's limit", () => {
  let port: number;
  let server: ReturnType<typeof createApiGatewayServer>;
  /** Bytes the server had read from the connection each time it asked the handler. */
  const readWhenAsked: number[] = [];
  let serverSocket: Socket | undefined;

  beforeAll(async () => {
    const measured: ApiHandler = (event, lambdaContext) => {
      readWhenAsked.push(serverSocket?.bytesRead ?? Number.NaN);
      return api(event, lambdaContext);
    };
    server = createApiGatewayServer(measured, (error) => {
      throw error;
    });
    server.on("connection", (socket: Socket) => {
      serverSocket = socket;
    });
    port = await listenOnLoopback(server, 0);
  });
  afterAll(() => closeServer(server));

  const head = (lines: string[]) => `${lines.join("\r\n")}\r\n\r\n`;

  it("is answered 413 from its Content-Length alone, as the handler answers the whole body", async () => {
    readWhenAsked.length = 0;
    const connection = await RawConnection.open(port);
    const request = head([
      "POST /v1/screen HTTP/1.1",
      `Host: ${LOOPBACK}`,
      "Content-Type: application/json",
      `Content-Length: ${10 * 1024 * 1024}`,
    ]);
    await connection.write(request);

    const local = await connection.answer();
    const whole = await api(
      apiEvent("POST", "/v1/screen", {
        headers: { "content-type": "application/json" },
        body: "x".repeat(MAX_BODY_BYTES + 1),
      }),
      context,
    );

    expect(local.status).toBe(413);
    expect(local.headers["content-type"]).toBe("application/problem+json");
    expect(JSON.parse(local.body)).toEqual(JSON.parse(whole.body ?? ""));
    // Nothing but the request head had been read when the handler answered.
    expect(readWhenAsked).toEqual([Buffer.byteLength(request)]);
    connection.socket.destroy();
  });

  it("is cut at the limit when chunked: read no further than one socket read past it", async () => {
    readWhenAsked.length = 0;
    const connection = await RawConnection.open(port);
    const request = head([
      "POST /v1/screen HTTP/1.1",
      `Host: ${LOOPBACK}`,
      "Content-Type: application/json",
      "Transfer-Encoding: chunked",
    ]);
    await connection.write(request);
    const chunk = Buffer.alloc(16 * 1024, 0x20);
    const framed = Buffer.concat([
      Buffer.from(`${chunk.length.toString(16)}\r\n`),
      chunk,
      Buffer.from("\r\n"),
    ]);
    const answered = connection.answer();
    // 3 MiB: far past the API's limit, within the gateway's own 10 MiB.
    for (let sent = 0; sent < 3 * 1024 * 1024; sent += chunk.length) await connection.write(framed);
    await connection.write("0\r\n\r\n");

    const local = await answered;
    expect(local.status).toBe(413);
    expect(readWhenAsked).toHaveLength(1);
    const framing =
      (framed.length - chunk.length) * Math.ceil((MAX_BODY_BYTES + 64 * 1024) / chunk.length);
    // Node reads a socket 64 KiB at a time: the limit, one read, the chunk framing.
    expect(readWhenAsked[0]).toBeLessThanOrEqual(
      Buffer.byteLength(request) + MAX_BODY_BYTES + 64 * 1024 + framing,
    );
    expect(readWhenAsked[0]).toBeGreaterThan(MAX_BODY_BYTES);

    // The rest was dropped, not kept: the same connection serves the next request.
    await connection.write(head(["GET /health HTTP/1.1", `Host: ${LOOPBACK}`]));
    expect((await connection.answer()).status).toBe(200);
    connection.socket.destroy();
  });

  it("is cut off after the gateway's 10 MiB when it keeps coming", async () => {
    const connection = await RawConnection.open(port);
    await connection.write(
      head([
        "POST /v1/screen HTTP/1.1",
        `Host: ${LOOPBACK}`,
        "Content-Type: application/json",
        "Transfer-Encoding: chunked",
      ]),
    );
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const framed = Buffer.concat([
      Buffer.from(`${chunk.length.toString(16)}\r\n`),
      chunk,
      Buffer.from("\r\n"),
    ]);
    let sent = 0;
    while (!connection.closed && sent < 64 * 1024 * 1024) {
      await connection.write(framed);
      sent += chunk.length;
    }
    expect((await connection.answer()).status).toBe(413);
    await new Promise<void>((resolve) =>
      connection.closed ? resolve() : connection.socket.once("close", () => resolve()),
    );
    expect(sent).toBeLessThan(64 * 1024 * 1024);
  });

  it("is the gateway's own 413 past 10 MiB, without asking the handler", async () => {
    readWhenAsked.length = 0;
    const connection = await RawConnection.open(port);
    await connection.write(
      head([
        "POST /v1/screen HTTP/1.1",
        `Host: ${LOOPBACK}`,
        `Content-Length: ${10 * 1024 * 1024 + 1}`,
      ]),
    );
    const local = await connection.answer();
    expect(local).toMatchObject({
      status: 413,
      headers: { "content-type": "application/json", connection: "close" },
      body: '{"message":"Request Entity Too Large"}',
    });
    expect(readWhenAsked).toEqual([]);
    connection.socket.destroy();
  });

  it("is not asked for when the client waits for 100 Continue", async () => {
    const connection = await RawConnection.open(port);
    await connection.write(
      head([
        "POST /v1/screen HTTP/1.1",
        `Host: ${LOOPBACK}`,
        "Content-Type: application/json",
        "Expect: 100-continue",
        `Content-Length: ${MAX_BODY_BYTES + 1}`,
      ]),
    );
    const local = await connection.answer();
    expect(local.status).toBe(413);
    expect(local.headers.connection).toBe("close");
    connection.socket.destroy();
  });
});
