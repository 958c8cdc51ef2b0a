/** verifyBulletin: the publisher signature, the receipt, and keys revoked before or after. */
import { beforeAll, describe, expect, it } from "vitest";
import { BulletinVerificationError } from "../../../cli/sdk/errors.js";
import type { OrgJwks, PublishedJwk } from "../../../cli/sdk/types.js";
import { verifyBulletin } from "../../../cli/sdk/verify-bulletin.js";
import {
  contentSha256,
  decodeBulletinJws,
  signBulletin,
} from "../../../shared/signatures/bulletin-jws.js";
import { generateHubKeySet, type HubKeySet, hubJwks } from "../../../shared/signatures/hub-keys.js";
import { generateSigningKey } from "../../../shared/signatures/keys.js";
import { signReceipt } from "../../../shared/signatures/receipt.js";
import type { PublicJwk, SigningKey } from "../../../shared/signatures/types.js";

const PAYLOAD = {
  id: "01JDX3Q8Z6V2M4N5P6R7S8T9VW",
  issuer: "trm",
  issued_at: "2026-11-25T12:00:00Z",
  title: "Donation address",
  category: "terrorist_financing",
  tlp: "green",
  confidence: 85,
  indicators: [
    { type: "crypto_address", chain: "tron", address: "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t" },
  ],
};

function published(jwk: PublicJwk, revokedAt: string | null = null): PublishedJwk {
  return {
    ...jwk,
    status: revokedAt === null ? "active" : "revoked",
    created_at: "2026-01-01T00:00:00Z",
    revoked_at: revokedAt,
  };
}

async function fail(promise: Promise<unknown>): Promise<string> {
  const error = await promise.catch((e: unknown) => e);
  if (!(error instanceof BulletinVerificationError))
    throw new Error(`expected a BulletinVerificationError, got ${error}`);
  return error.code;
}

describe("verifyBulletin", () => {
  let key: SigningKey;
  let jwk: PublicJwk;
  let hub: HubKeySet;
  let jws: string;
  let receipt: string;

  beforeAll(async () => {
    ({ signingKey: key, publicJwk: jwk } = await generateSigningKey("ES256"));
    hub = await generateHubKeySet();
    jws = await signBulletin(PAYLOAD, key);
    receipt = await signReceipt(
      {
        id: PAYLOAD.id,
        issuer: "trm",
        kid: key.kid,
        content_sha256: contentSha256(decodeBulletinJws(jws)),
        received_at: "2026-11-25T12:00:01Z",
      },
      hub.current,
    );
  });

  it("verifies the publisher's signature and the hub's receipt", async () => {
    // Act
    const result = await verifyBulletin(
      jws,
      { keys: [published(jwk)] },
      { receipt, hubJwks: hubJwks(hub) },
    );
    // Assess
    expect(result).toMatchObject({
      kid: key.kid,
      keyStatus: "active",
      keyRevokedAt: null,
      payload: { id: PAYLOAD.id, issuer: "trm" },
      receipt: { id: PAYLOAD.id, received_at: "2026-11-25T12:00:01Z" },
    });
    expect(result.receivedBeforeRevocation).toBeUndefined();
  });

  it("accepts a plain JWKS (no key history) and reports the status unknown", async () => {
    expect((await verifyBulletin(jws, { keys: [jwk] })).keyStatus).toBe("unknown");
  });

  it("still verifies with a key revoked later, and tells whether the receipt predates the revocation", async () => {
    const after: OrgJwks = { keys: [published(jwk, "2026-12-01T00:00:00Z")] };
    const before: OrgJwks = { keys: [published(jwk, "2026-11-25T12:00:00Z")] };
    const stands = await verifyBulletin(jws, after, { receipt, hubJwks: hubJwks(hub) });
    expect(stands).toMatchObject({ keyStatus: "revoked", receivedBeforeRevocation: true });
    const doubtful = await verifyBulletin(jws, before, { receipt, hubJwks: hubJwks(hub) });
    expect(doubtful.receivedBeforeRevocation).toBe(false);
  });

  it("refuses another key, an unknown kid, a tampered JWS and a foreign receipt", async () => {
    const { publicJwk: other } = await generateSigningKey("ES256");
    expect(await fail(verifyBulletin(jws, { keys: [{ ...other, kid: key.kid }] }))).toBe(
      "ERR_BULLETIN_SIGNATURE",
    );
    expect(await fail(verifyBulletin(jws, { keys: [other] }))).toBe("ERR_BULLETIN_KEY_UNKNOWN");
    const [header, , signature] = jws.split(".");
    const forged = Buffer.from(JSON.stringify({ ...PAYLOAD, confidence: 5 })).toString("base64url");
    expect(await fail(verifyBulletin(`${header}.${forged}.${signature}`, { keys: [jwk] }))).toBe(
      "ERR_BULLETIN_SIGNATURE",
    );
    expect(await fail(verifyBulletin("not a jws", { keys: [jwk] }))).toBe("ERR_BULLETIN_MALFORMED");
    const otherHub = await generateHubKeySet();
    expect(
      await fail(verifyBulletin(jws, { keys: [jwk] }, { receipt, hubJwks: hubJwks(otherHub) })),
    ).toBe("ERR_RECEIPT_SIGNATURE");
    const wrongReceipt = await signReceipt(
      {
        id: PAYLOAD.id,
        issuer: "trm",
        kid: key.kid,
        content_sha256: "0".repeat(64),
        received_at: "2026-11-25T12:00:01Z",
      },
      hub.current,
    );
    expect(
      await fail(
        verifyBulletin(jws, { keys: [jwk] }, { receipt: wrongReceipt, hubJwks: hubJwks(hub) }),
      ),
    ).toBe("ERR_RECEIPT_MISMATCH");
  });
});
