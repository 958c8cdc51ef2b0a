/**
 * A loopback proxy that signs, for readers that cannot: Go's log verifier
 * (tests/log-interop/verify.go) reads `/v1/log/*` with a plain GET, and the hub wants a
 * signed request (DESIGN §3) until feed tokens (§11) exist. Each GET under `/v1/log/`
 * is sent on with a fresh token of `org`; the answer comes back byte for byte.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { TestOrg } from "./hub.js";

export interface SigningProxy {
  url: string;
  stop(): Promise<void>;
}

export async function startSigningProxy(hubUrl: string, org: TestOrg): Promise<SigningProxy> {
  const signed = org.client.signingFetch();
  const server: Server = createServer((req, res) => {
    const path = req.url ?? "/";
    if (req.method !== "GET" || !path.startsWith("/v1/log/")) {
      res.writeHead(404).end();
      return;
    }
    signed(`${hubUrl}${path}`)
      .then(async (answer) => {
        const body = Buffer.from(await answer.arrayBuffer());
        res.writeHead(answer.status, {
          "content-type": answer.headers.get("content-type") ?? "application/octet-stream",
          "content-length": String(body.length),
        });
        res.end(body);
      })
      .catch(() => res.writeHead(502).end());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
