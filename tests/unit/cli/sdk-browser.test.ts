/**
 * The SDK's main entry runs in browsers (the analyst console imports it): bundled for
 * the browser it imports no `node:` module, and, run where there is no `process` and
 * no `Buffer`, it still signs request tokens the hub accepts and verifies what the
 * hub's own code signs.
 */
import { build } from "esbuild";
import { beforeAll, describe, expect, it } from "vitest";
import { signBulletin } from "../../../shared/signatures/bulletin-jws.js";
import { sha256Hex } from "../../../shared/signatures/digest.js";
import { generateSigningKey, publicJwkOf } from "../../../shared/signatures/keys.js";
import { verifyRequestToken } from "../../../shared/signatures/request-token.js";
import { bulletinPayload } from "../../helpers/bulletins.js";

type BrowserSdk = typeof import("../../../cli/sdk/index.js") & {
  signRequestToken: typeof import("../../../shared/signatures/request-token.js").signRequestToken;
  sha256Hex: typeof sha256Hex;
};

/** The browser bundle, plus two internals the checks below call. */
async function bundleForBrowser(format: "esm" | "iife") {
  return build({
    stdin: {
      contents: `export * from "./cli/sdk/index.ts";
        export { signRequestToken } from "./shared/signatures/request-token.ts";
        export { sha256Hex } from "./shared/signatures/digest.ts";`,
      resolveDir: process.cwd(),
      loader: "ts",
    },
    bundle: true,
    platform: "browser",
    format,
    ...(format === "iife" ? { globalName: "CordonSdk" } : {}),
    write: false,
    metafile: true,
    logLevel: "silent",
  });
}

/**
 * Runs the bundle as a page would: `process` and `Buffer` are not there (the
 * parameters shadow Node's globals, and `globalThis` answers undefined for them).
 */
function runWithoutNode(code: string): BrowserSdk {
  const browserGlobal = new Proxy(globalThis, {
    get: (target, name) =>
      name === "process" || name === "Buffer" ? undefined : Reflect.get(target, name),
    has: (target, name) => name !== "process" && name !== "Buffer" && Reflect.has(target, name),
  });
  const page = new Function(
    "globalThis",
    "process",
    "Buffer",
    "require",
    `${code}\nreturn CordonSdk;`,
  );
  return page(browserGlobal, undefined, undefined, undefined) as BrowserSdk;
}

describe("the SDK in a browser", () => {
  let sdk: BrowserSdk;

  beforeAll(async () => {
    const iife = await bundleForBrowser("iife");
    sdk = runWithoutNode(iife.outputFiles[0]?.text ?? "");
  });

  it("bundles for the browser without a single node: import", async () => {
    // Act: esbuild fails the build on a node: import when the platform is the browser.
    const result = await bundleForBrowser("esm");
    // Assess
    const nodeImports = Object.values(result.metafile.inputs).flatMap((input) =>
      input.imports.filter((imported) => imported.path.startsWith("node:")),
    );
    expect(result.errors).toEqual([]);
    expect(nodeImports).toEqual([]);
  });

  it("hashes with the portable code as Node does", () => {
    const bytes = new TextEncoder().encode("x".repeat(10_000));
    expect(sdk.sha256Hex(bytes)).toBe(sha256Hex(bytes));
  });

  it("generates and parses keys, and signs a request token the hub accepts", async () => {
    // Prepare
    const { signingKey, publicJwk } = await sdk.generateSigningKey("Ed25519");
    const reparsed = sdk.parsePrivateJwk(signingKey.privateJwk);
    const body = new TextEncoder().encode('{"indicators":[]}');
    // Act
    const token = await sdk.signRequestToken({
      iss: "analyst-org",
      aud: "cordon",
      method: "POST",
      pathAndQuery: "/v1/screen",
      body,
      key: reparsed,
    });
    // Assess: the hub's own verification, on Node.
    const verified = await verifyRequestToken({
      authorization: `Bearer ${token}`,
      method: "POST",
      rawPath: "/v1/screen",
      rawQueryString: "",
      body,
      audience: "cordon",
      now: new Date(),
      resolveKey: async () => ({ jwk: publicJwk, principal: "analyst-org" }),
      claimJti: async () => true,
    });
    expect(verified.principal).toBe("analyst-org");
    expect(reparsed.kid).toBe(signingKey.kid);
  });

  it("refuses a P-256 key whose point is not on the curve, and a key file whose x is not d's", async () => {
    const ec = await sdk.generateSigningKey("ES256");
    const other = await sdk.generateSigningKey("Ed25519");
    const offCurve = { ...publicJwkOf(ec.signingKey.privateJwk), y: ec.signingKey.privateJwk.x };
    expect(() => sdk.parsePublicJwk(offCurve)).toThrow("not a point on P-256");
    const mismatched = { ...other.signingKey.privateJwk, x: ec.signingKey.privateJwk.x };
    expect(() => sdk.parsePrivateJwk(mismatched)).toThrow("does not match d");
  });

  it("makes a non-extractable key and a key request whose proof the hub's code accepts", async () => {
    // Act
    const key = await sdk.generateHeldSigningKey();
    const request = await sdk.createKeyRequest("analyst-org", key);
    // Assess
    expect(key.privateKey.extractable).toBe(false);
    expect(request.jwk).toEqual(key.publicJwk);
    await expect(sdk.checkKeyRequest(request)).resolves.toBeUndefined();
  });

  it("calls the page's fetch as a plain function, as a browser requires", async () => {
    // Prepare: a fetch that, like a browser's, refuses to be called as a method.
    const calls: unknown[] = [];
    const strictFetch = function (this: unknown, input: unknown) {
      if (this !== undefined && this !== globalThis) throw new TypeError("Illegal invocation");
      calls.push(input);
      return Promise.resolve(new Response('{"id":"x"}', { status: 200 }));
    };
    const { signingKey } = await generateSigningKey("Ed25519");
    const original = globalThis.fetch;
    globalThis.fetch = strictFetch as typeof fetch;
    try {
      // Act
      const transport = new sdk.Transport({
        baseUrl: "http://hub.test",
        orgId: "o",
        key: signingKey,
      });
      const answer = await transport.call("GET", "/v1/me");
      // Assess
      expect(answer).toEqual({ id: "x" });
      expect(calls).toEqual(["http://hub.test/v1/me"]);
    } finally {
      globalThis.fetch = original;
    }
  });

  it("verifies a bulletin signed on Node", async () => {
    // Prepare
    const { signingKey, publicJwk } = await generateSigningKey("ES256");
    const jws = await signBulletin(bulletinPayload("trm"), signingKey);
    // Act
    const verified = await sdk.verifyBulletin(jws, { keys: [publicJwk] });
    // Assess
    expect(verified.payload.issuer).toBe("trm");
  });
});
