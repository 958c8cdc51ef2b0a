/**
 * The webhook sender's bounds and what it reports (issue 13, DESIGN §15): a connect
 * timeout far below the attempt's, a cap on the answer read, stable error codes and the
 * first 256 bytes of the answer — against real loopback servers.
 */
import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { errorCodeOf, NodeWebhookSender, SENDER_LIMITS } from "../../../shared/webhooks/sender.js";
import { UnsafeUrlError } from "../../../shared/webhooks/url-safety.js";

const local = { allowInsecure: true };
const servers: Server[] = [];
const senders: NodeWebhookSender[] = [];

async function serve(listener: RequestListener): Promise<string> {
  const server = createServer(listener);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
}

function sender(...args: ConstructorParameters<typeof NodeWebhookSender>): NodeWebhookSender {
  const made = new NodeWebhookSender(...args);
  senders.push(made);
  return made;
}

afterEach(async () => {
  for (const made of senders.splice(0)) made.close();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe("the webhook sender", () => {
  it("connects within far less time than it waits for an answer", () => {
    expect(SENDER_LIMITS.connectMs * 4).toBeLessThanOrEqual(SENDER_LIMITS.responseMs);
  });

  it("reports the status and the first 256 bytes of the answer", async () => {
    const url = await serve((_req, res) => {
      res.writeHead(500, { "content-type": "text/plain" });
      res.end(`${"x".repeat(300)}`);
    });
    const outcome = await sender(local).post(url, {}, "{}");
    expect(outcome).toMatchObject({ status: 500, error: null, excerpt: "x".repeat(256) });
    expect(outcome.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("replaces invalid UTF-8 in the excerpt", async () => {
    const url = await serve((_req, res) => {
      res.writeHead(400);
      res.end(Buffer.from([0x6f, 0x6b, 0xff, 0xfe, 0x21]));
    });
    expect((await sender(local).post(url, {}, "{}")).excerpt).toBe("ok\uFFFD\uFFFD!");
  });

  it("has no excerpt for an empty answer", async () => {
    const url = await serve((_req, res) => res.end());
    expect(await sender(local).post(url, {}, "{}")).toMatchObject({
      status: 200,
      error: null,
      excerpt: null,
    });
  });

  it("drops an answer longer than its cap: response_too_large", async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200);
      res.end(Buffer.alloc(10_000, 0x61));
    });
    const outcome = await sender(local, undefined, { maxResponseBytes: 4096 }).post(url, {}, "{}");
    expect(outcome).toMatchObject({ status: 200, error: "response_too_large" });
    expect(outcome.excerpt).toHaveLength(256);
  });

  it("gives up connecting at the connect timeout (a resolver that never answers)", async () => {
    const hanging = () => new Promise<never>(() => {});
    const outcome = await sender(local, hanging, { connectMs: 150, responseMs: 5_000 }).post(
      "http://slow.example/hook",
      {},
      "{}",
    );
    expect(outcome).toMatchObject({ status: null, error: "connect_timeout" });
    expect(outcome.durationMs).toBeLessThan(2_000);
  });

  it("times out an endpoint that accepts the connection and never answers", async () => {
    const url = await serve(() => {});
    const outcome = await sender(local, undefined, { connectMs: 1_000, responseMs: 300 }).post(
      url,
      {},
      "{}",
    );
    expect(outcome).toMatchObject({ status: null, error: "timeout" });
  });

  it("reports a refused connection by its network code", async () => {
    const url = await serve(() => {});
    const port = new URL(url).port;
    const closed = servers.pop();
    await new Promise((resolve) => closed?.close(resolve));
    const outcome = await sender(local).post(`http://127.0.0.1:${port}/hook`, {}, "{}");
    expect(outcome).toMatchObject({ status: null, error: "ECONNREFUSED" });
  });

  it("names errors by code, never by message", () => {
    expect(errorCodeOf(Object.assign(new Error("x 10.0.0.1"), { code: "ECONNRESET" }))).toBe(
      "ECONNRESET",
    );
    expect(errorCodeOf(Object.assign(new Error("cert"), { code: "CERT_HAS_EXPIRED" }))).toBe(
      "tls_error",
    );
    expect(
      errorCodeOf(Object.assign(new Error("alt"), { code: "ERR_TLS_CERT_ALTNAME_INVALID" })),
    ).toBe("tls_error");
    expect(errorCodeOf(new UnsafeUrlError("no"))).toBe("url_refused");
    expect(errorCodeOf(new Error("what"))).toBe("network_error");
    expect(errorCodeOf(Object.assign(new Error("odd"), { code: "weird code" }))).toBe(
      "network_error",
    );
  });
});
