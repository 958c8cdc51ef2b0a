import { beforeAll, describe, expect, it } from "vitest";
import type { KeyNeed, KeySource } from "../../../cli/sdk/mirror/keys.js";
import { checkChange, checkContent } from "../../../cli/sdk/mirror/verification.js";
import type { OrgJwks } from "../../../cli/sdk/types.js";
import { signBulletin } from "../../../shared/signatures/bulletin-jws.js";
import { sha256Hex } from "../../../shared/signatures/compact.js";
import { generateSigningKey } from "../../../shared/signatures/keys.js";
import { signChangeReceipt, signReceipt } from "../../../shared/signatures/receipt.js";
import type { Jwks, PublicJwk, SigningKey } from "../../../shared/signatures/types.js";
import { bulletinPayload } from "../../helpers/bulletins.js";

interface Keys {
  publisher: SigningKey;
  publisherJwk: PublicJwk;
  hub: SigningKey;
  hubJwk: PublicJwk;
  stranger: SigningKey;
}

const RECEIVED_AT = "2026-03-01T12:00:00.000Z";

/** Keys served from memory, as the hub would publish them. */
function keySource(
  keys: Keys,
  history: { created_at?: string; revoked_at?: string | null } = {},
): KeySource & { asked: KeyNeed[] } {
  const asked: KeyNeed[] = [];
  return {
    asked,
    publisherKeys: async (issuer, need) => {
      asked.push(need);
      if (issuer !== "trm") return undefined;
      const revokedAt = history.revoked_at ?? null;
      const jwks: OrgJwks = {
        keys: [
          {
            ...keys.publisherJwk,
            status: revokedAt === null ? "active" : "revoked",
            created_at: history.created_at ?? "2026-01-01T00:00:00.000Z",
            revoked_at: revokedAt,
          },
        ],
      };
      return jwks;
    },
    hubKeys: async (): Promise<Jwks> => ({ keys: [keys.hubJwk] }),
  };
}

async function signedView(
  keys: Keys,
  options: { signer?: SigningKey; receiptBy?: SigningKey; payload?: Record<string, unknown> } = {},
) {
  const payload = options.payload ?? {
    ...bulletinPayload("trm"),
    issued_at: "2026-03-01T13:30:00+05:30",
    valid_until: "2026-09-01T00:00:00-02:00",
  };
  const jws = await signBulletin(payload, options.signer ?? keys.publisher);
  const sha = sha256Hex(Buffer.from(jws.split(".")[1] ?? "", "base64url"));
  const receipt = await signReceipt(
    {
      id: String(payload.id),
      issuer: "trm",
      kid: (options.signer ?? keys.publisher).kid,
      content_sha256: sha,
      received_at: RECEIVED_AT,
    },
    options.receiptBy ?? keys.hub,
  );
  return {
    id: String(payload.id),
    issuer: "trm",
    received_at: RECEIVED_AT,
    content_sha256: sha,
    jws,
    receipt,
  };
}

/** The same JWS with one bit of its signature flipped. */
function flipSignatureBit(jws: string): string {
  const [header, payload, signature] = jws.split(".");
  const bytes = Buffer.from(signature ?? "", "base64url");
  bytes[0] = (bytes[0] ?? 0) ^ 1;
  return `${header}.${payload}.${bytes.toString("base64url")}`;
}

describe("checking a bulletin before it counts", () => {
  let keys: Keys;

  beforeAll(async () => {
    const publisher = await generateSigningKey("Ed25519", "trm-1");
    const hub = await generateSigningKey("Ed25519", "hub-1");
    const stranger = await generateSigningKey("Ed25519", "trm-1");
    keys = {
      publisher: publisher.signingKey,
      publisherJwk: publisher.publicJwk,
      hub: hub.signingKey,
      hubJwk: hub.publicJwk,
      stranger: stranger.signingKey,
    };
  });

  it("derives what the hub indexes: UTC instants, normalised indicators, and the evidence", async () => {
    const view = await signedView(keys);
    const source = keySource(keys);
    const checked = await checkContent(view, source, 1234);
    expect(checked).toMatchObject({
      ok: true,
      bulletin: {
        id: view.id,
        issuer: "trm",
        tlp: "green",
        issued_at: "2026-03-01T08:00:00.000Z",
        valid_until: "2026-09-01T02:00:00.000Z",
        received_at: RECEIVED_AT,
        kid: "trm-1",
        jws: view.jws,
        receipt: view.receipt,
        indicators: ["tron:TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", "telegram:example_channel"],
      },
    });
    expect(source.asked).toEqual([{ kid: "trm-1", receivedAt: RECEIVED_AT, readAt: 1234 }]);
  });

  it.each([
    [
      "a signature by another key with the same kid",
      { signer: "stranger" },
      "ERR_BULLETIN_SIGNATURE",
    ],
    ["a receipt the hub did not sign", { receiptBy: "stranger" }, "ERR_RECEIPT_SIGNATURE"],
  ] as const)("sets aside %s", async (_, tamper, code) => {
    const view = await signedView(keys, {
      ...("signer" in tamper ? { signer: keys.stranger } : {}),
      ...("receiptBy" in tamper ? { receiptBy: keys.stranger } : {}),
    });
    expect(await checkContent(view, keySource(keys), 0)).toMatchObject({ ok: false, code });
  });

  it("sets aside a bulletin whose key was revoked before its receipt, or registered after", async () => {
    const view = await signedView(keys);
    const before = keySource(keys, { revoked_at: "2026-03-01T11:59:59.999Z" });
    expect(await checkContent(view, before, 0)).toMatchObject({
      ok: false,
      code: "ERR_BULLETIN_KEY_NOT_VALID",
    });
    const later = keySource(keys, { created_at: "2026-03-01T12:00:00.001Z" });
    expect(await checkContent(view, later, 0)).toMatchObject({
      ok: false,
      code: "ERR_BULLETIN_KEY_NOT_VALID",
    });
    // Revoked after the hub received it: the receipt proves it still counts.
    const after = keySource(keys, { revoked_at: "2026-03-01T12:00:00.001Z" });
    expect(await checkContent(view, after, 0)).toMatchObject({ ok: true });
  });

  it("sets aside what the feed item says against the signed bulletin and its receipt", async () => {
    const view = await signedView(keys);
    const source = keySource(keys);
    for (const [member, value, code] of [
      ["id", "01JDX3Q8Z6V2M4N5P6R7S8T9VW", "ERR_ITEM_MISMATCH"],
      ["received_at", "2026-03-01T12:00:00.001Z", "ERR_ITEM_MISMATCH"],
      ["content_sha256", "f".repeat(64), "ERR_ITEM_MISMATCH"],
      ["issuer", "chainalysis", "ERR_ITEM_MISMATCH"],
      ["jws", flipSignatureBit(view.jws), "ERR_BULLETIN_SIGNATURE"],
      ["jws", "not.a.jws", "ERR_BULLETIN_MALFORMED"],
      ["receipt", "not.a.jws", "ERR_RECEIPT_SIGNATURE"],
    ] as const) {
      expect(await checkContent({ ...view, [member]: value }, source, 0), member).toMatchObject({
        ok: false,
        code,
      });
    }
    const otherReceipt = await signedView(keys);
    expect(await checkContent({ ...view, receipt: otherReceipt.receipt }, source, 0)).toMatchObject(
      { ok: false, code: "ERR_RECEIPT_MISMATCH" },
    );
  });

  it("sets aside a signed payload that is not a valid bulletin, and an unknown publisher", async () => {
    const invalid = await signedView(keys, {
      payload: { ...bulletinPayload("trm"), confidence: 101 },
    });
    expect(await checkContent(invalid, keySource(keys), 0)).toMatchObject({
      ok: false,
      code: "ERR_BULLETIN_INVALID",
    });
    const unknown = await signedView(keys, { payload: bulletinPayload("nobody") });
    expect(await checkContent(unknown, keySource(keys), 0)).toMatchObject({
      ok: false,
      code: "ERR_BULLETIN_KEY_UNKNOWN",
    });
  });

  it("checks each change's receipt: the publication's own, and the hub's word on a revocation", async () => {
    const view = await signedView(keys);
    const held = { id: view.id, issuer: "trm", receipt: view.receipt };
    const source = keySource(keys);
    const at = "2026-03-02T00:00:00.000001Z";
    expect(
      await checkChange({ seq: 3, kind: "published", at, receipt: view.receipt }, held, source, 0),
    ).toBeUndefined();
    expect(
      await checkChange({ seq: 3, kind: "published", at, receipt: "x" }, held, source, 0),
    ).toMatchObject({ code: "ERR_CHANGE_RECEIPT" });
    const receipt = await signChangeReceipt(
      { id: view.id, issuer: "trm", kind: "revoked", seq: 9, at },
      keys.hub,
    );
    expect(
      await checkChange({ seq: 9, kind: "revoked", at, receipt }, held, source, 0),
    ).toBeUndefined();
    for (const change of [
      { seq: 10, kind: "revoked" as const, at, receipt },
      { seq: 9, kind: "superseded" as const, at, receipt },
      { seq: 9, kind: "revoked" as const, at: "2026-03-02T00:00:00.000002Z", receipt },
    ]) {
      expect(await checkChange(change, held, source, 0)).toMatchObject({
        code: "ERR_CHANGE_RECEIPT",
      });
    }
    const forged = await signChangeReceipt(
      { id: view.id, issuer: "trm", kind: "revoked", seq: 9, at },
      keys.stranger,
    );
    expect(
      await checkChange({ seq: 9, kind: "revoked", at, receipt: forged }, held, source, 0),
    ).toMatchObject({ code: "ERR_CHANGE_RECEIPT" });
  });
});
