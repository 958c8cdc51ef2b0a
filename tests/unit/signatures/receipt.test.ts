import { beforeAll, describe, expect, it } from "vitest";
import { generateHubKeySet, type HubKeySet, hubJwks } from "../../../shared/signatures/hub-keys.js";
import {
  RECEIPT_TYP,
  type ReceiptClaims,
  signReceipt,
  verifyReceipt,
} from "../../../shared/signatures/receipt.js";
import { b64u, expectRefusal, signRaw } from "./craft.js";

const CLAIMS: ReceiptClaims = {
  id: "01JDX3Q8Z6V2M4N5P6R7S8T9VW",
  issuer: "trm",
  kid: "trm-2026",
  content_sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
  received_at: "2026-11-25T12:00:01.123Z",
};

let hub: HubKeySet;
let otherHub: HubKeySet;

beforeAll(async () => {
  hub = await generateHubKeySet();
  otherHub = await generateHubKeySet();
});

describe("receipts", () => {
  it("verify against the hub JWKS, with the hub key's kid in the header", async () => {
    // Prepare
    const receipt = await signReceipt(CLAIMS, hub.current);
    // Act
    const claims = await verifyReceipt(receipt, hubJwks(hub));
    // Assess
    expect(claims).toEqual(CLAIMS);
    const header = JSON.parse(Buffer.from(receipt.split(".")[0] ?? "", "base64url").toString());
    expect(header).toEqual({ alg: "EdDSA", kid: hub.current.kid, typ: RECEIPT_TYP });
  });

  it("are byte-for-byte equal for equal claims given in another member order", async () => {
    // Prepare
    const reordered = Object.fromEntries(
      Object.entries(CLAIMS).reverse(),
    ) as unknown as ReceiptClaims;
    // Act
    const [a, b] = [
      await signReceipt(CLAIMS, hub.current),
      await signReceipt(reordered, hub.current),
    ];
    // Assess: Ed25519 is deterministic, so equal bytes give equal receipts.
    expect(a).toBe(b);
  });

  it("fail against another hub's JWKS", async () => {
    // Prepare
    const receipt = await signReceipt(CLAIMS, hub.current);
    // Act / Assess
    await expectRefusal(() => verifyReceipt(receipt, hubJwks(otherHub)), "ERR_JWS_KID_UNKNOWN");
  });

  it("fail against a JWKS whose key has the same kid but other material", async () => {
    // Prepare
    const receipt = await signReceipt(CLAIMS, hub.current);
    const impostor = hubJwks(otherHub).keys.map((key) => ({ ...key, kid: hub.current.kid }));
    // Act / Assess
    await expectRefusal(
      () => verifyReceipt(receipt, { keys: impostor }),
      "ERR_JWS_SIGNATURE_INVALID",
    );
  });

  it("still verify after a rotation, while the old key is published", async () => {
    // Prepare
    const receipt = await signReceipt(CLAIMS, hub.current);
    const rotated = { current: otherHub.current, all: [otherHub.current, hub.current] };
    // Act
    const claims = await verifyReceipt(receipt, hubJwks(rotated));
    // Assess
    expect(claims.id).toBe(CLAIMS.id);
  });

  it("refuse altered claims", async () => {
    // Prepare
    const [h, , s] = (await signReceipt(CLAIMS, hub.current)).split(".");
    const forged = `${h}.${b64u(JSON.stringify({ ...CLAIMS, received_at: "2020-01-01T00:00:00Z" }))}.${s}`;
    // Act / Assess
    await expectRefusal(() => verifyReceipt(forged, hubJwks(hub)), "ERR_JWS_SIGNATURE_INVALID");
  });

  it("refuse a signed receipt whose claims are incomplete", async () => {
    // Prepare
    const { content_sha256: _dropped, ...rest } = CLAIMS;
    const header = JSON.stringify({ alg: "EdDSA", kid: hub.current.kid, typ: RECEIPT_TYP });
    const receipt = signRaw(header, JSON.stringify(rest), hub.current);
    // Act
    const error = await expectRefusal(
      () => verifyReceipt(receipt, hubJwks(hub)),
      "ERR_JWS_MALFORMED",
    );
    // Assess
    expect(error.pointer).toBe("/content_sha256");
  });

  it("refuse a bulletin or other typ offered as a receipt", async () => {
    // Prepare
    const header = JSON.stringify({
      alg: "EdDSA",
      kid: hub.current.kid,
      typ: "cordon-bulletin+jws",
    });
    const jws = signRaw(header, JSON.stringify(CLAIMS), hub.current);
    // Act / Assess
    await expectRefusal(() => verifyReceipt(jws, hubJwks(hub)), "ERR_JWS_TYP");
  });
});
