/** verifyWebhook: v1 with the official library, v1a with the hub keys, timestamps, subscription binding, rotations. */
import { generateKeyPairSync, randomBytes, sign } from "node:crypto";
import fc from "fast-check";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { WebhookVerificationError } from "../../../cli/sdk/errors.js";
import { signatureEntries, verifyWebhook } from "../../../cli/sdk/webhooks.js";
import type { Jwks, PublicJwk } from "../../../shared/signatures/types.js";

/** A stand-in for the hub's signer, written from DESIGN §6 alone (not the hub's code). */
function hubKey(kid: string): { jwk: PublicJwk; sign: (message: Buffer) => string } {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const x = publicKey.export({ format: "jwk" }).x as string;
  return {
    jwk: { kty: "OKP", crv: "Ed25519", x, kid, alg: "EdDSA", use: "sig" },
    sign: (message) => sign(null, message, privateKey).toString("base64"),
  };
}

function newSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

interface Signed {
  headers: Record<string, string>;
  body: string;
}

function deliver(input: {
  body?: object;
  id?: string;
  at?: Date;
  secrets?: string[];
  keys?: ReturnType<typeof hubKey>[];
}): Signed {
  const body = JSON.stringify(
    input.body ?? {
      type: "ping",
      timestamp: "2026-11-25T12:00:00Z",
      subscription_id: "sub_1",
      data: { subscription_id: "sub_1" },
    },
  );
  const id = input.id ?? "msg_1";
  const at = input.at ?? new Date();
  const seconds = Math.floor(at.getTime() / 1000);
  const v1 = (input.secrets ?? []).map((secret) => new Webhook(secret).sign(id, at, body));
  const v1a = (input.keys ?? []).map(
    (key) => `v1a,${key.sign(Buffer.from(`${id}.${seconds}.${body}`))}`,
  );
  return {
    headers: {
      "webhook-id": id,
      "webhook-timestamp": String(seconds),
      "webhook-signature": [...v1, ...v1a].join(" "),
    },
    body,
  };
}

function jwksOf(...keys: ReturnType<typeof hubKey>[]): Jwks {
  return { keys: keys.map((key) => key.jwk) };
}

function failure(run: () => unknown): WebhookVerificationError {
  try {
    run();
  } catch (error) {
    if (error instanceof WebhookVerificationError) return error;
    throw error;
  }
  throw new Error("expected a WebhookVerificationError");
}

describe("verifyWebhook", () => {
  const secret = newSecret();
  const key = hubKey("hub-1");

  it("verifies v1 and v1a together and answers the event", () => {
    // Prepare
    const signed = deliver({ secrets: [secret], keys: [key] });
    // Act
    const event = verifyWebhook(signed.headers, signed.body, { secret, jwks: jwksOf(key) });
    // Assess
    expect(event).toMatchObject({ type: "ping", subscription_id: "sub_1" });
  });

  it("accepts the body as bytes and the headers as a fetch Headers object, any case", () => {
    const signed = deliver({ secrets: [secret] });
    const headers = new Headers({
      "Webhook-Id": signed.headers["webhook-id"] ?? "",
      "WEBHOOK-TIMESTAMP": signed.headers["webhook-timestamp"] ?? "",
      "webhook-signature": signed.headers["webhook-signature"] ?? "",
    });
    expect(verifyWebhook(headers, Buffer.from(signed.body), { secret }).type).toBe("ping");
  });

  it("lets the official library verify a header holding both v1 and v1a entries", () => {
    // The hub sends both kinds in one header; standardwebhooks skips the v1a entries.
    const signed = deliver({ secrets: [secret], keys: [key] });
    expect(new Webhook(secret).verify(signed.body, signed.headers)).toMatchObject({ type: "ping" });
  });

  it("refuses a wrong secret, a tampered body and a missing v1 entry", () => {
    const signed = deliver({ secrets: [secret], keys: [key] });
    expect(
      failure(() => verifyWebhook(signed.headers, signed.body, { secret: newSecret() })).code,
    ).toBe("ERR_WEBHOOK_V1");
    const tampered = signed.body.replace("sub_1", "sub_2");
    expect(failure(() => verifyWebhook(signed.headers, tampered, { secret })).code).toBe(
      "ERR_WEBHOOK_V1",
    );
    expect(failure(() => verifyWebhook(signed.headers, tampered, { jwks: jwksOf(key) })).code).toBe(
      "ERR_WEBHOOK_V1A",
    );
    const v1aOnly = deliver({ keys: [key] });
    expect(failure(() => verifyWebhook(v1aOnly.headers, v1aOnly.body, { secret })).code).toBe(
      "ERR_WEBHOOK_V1",
    );
  });

  it("refuses v1a made with a key the hub does not publish", () => {
    const signed = deliver({ keys: [hubKey("rogue")] });
    expect(
      failure(() => verifyWebhook(signed.headers, signed.body, { jwks: jwksOf(key) })).code,
    ).toBe("ERR_WEBHOOK_V1A");
  });

  it("requires both signatures when given both a secret and the hub's keys", () => {
    const onlyV1 = deliver({ secrets: [secret] });
    expect(
      failure(() => verifyWebhook(onlyV1.headers, onlyV1.body, { secret, jwks: jwksOf(key) })).code,
    ).toBe("ERR_WEBHOOK_V1A");
  });

  it("refuses stale and future timestamps, and honours a wider tolerance", () => {
    const now = new Date("2026-11-25T12:00:00Z");
    const stale = deliver({ secrets: [secret], at: new Date(now.getTime() - 301_000) });
    const future = deliver({ secrets: [secret], at: new Date(now.getTime() + 301_000) });
    expect(failure(() => verifyWebhook(stale.headers, stale.body, { secret, now })).code).toBe(
      "ERR_WEBHOOK_TIMESTAMP",
    );
    expect(failure(() => verifyWebhook(future.headers, future.body, { secret, now })).code).toBe(
      "ERR_WEBHOOK_TIMESTAMP",
    );
    expect(
      verifyWebhook(stale.headers, stale.body, { secret, now, toleranceSeconds: 600 }).type,
    ).toBe("ping");
    const edge = deliver({ secrets: [secret], at: new Date(now.getTime() - 300_000) });
    expect(verifyWebhook(edge.headers, edge.body, { secret, now }).type).toBe("ping");
  });

  it("refuses a timestamp that is not Unix seconds", () => {
    const signed = deliver({ secrets: [secret] });
    const headers = { ...signed.headers, "webhook-timestamp": "2026-11-25T12:00:00Z" };
    expect(failure(() => verifyWebhook(headers, signed.body, { secret })).code).toBe(
      "ERR_WEBHOOK_TIMESTAMP",
    );
  });

  it("refuses a delivery meant for another subscription, even with a valid v1a", () => {
    // A subscriber cannot replay what the hub signed for it to another subscriber.
    const signed = deliver({ keys: [key] });
    expect(
      verifyWebhook(signed.headers, signed.body, { jwks: jwksOf(key), subscriptionId: "sub_1" })
        .type,
    ).toBe("ping");
    expect(
      failure(() =>
        verifyWebhook(signed.headers, signed.body, { jwks: jwksOf(key), subscriptionId: "sub_9" }),
      ).code,
    ).toBe("ERR_WEBHOOK_SUBSCRIPTION");
  });

  it("verifies during a secret rotation with either secret, and a rotated-out secret alone fails", () => {
    const previous = newSecret();
    const current = newSecret();
    const during = deliver({ secrets: [current, previous] });
    expect(verifyWebhook(during.headers, during.body, { secret: previous }).type).toBe("ping");
    expect(verifyWebhook(during.headers, during.body, { secret: [current] }).type).toBe("ping");
    const after = deliver({ secrets: [current] });
    expect(verifyWebhook(after.headers, after.body, { secret: [previous, current] }).type).toBe(
      "ping",
    );
    expect(failure(() => verifyWebhook(after.headers, after.body, { secret: previous })).code).toBe(
      "ERR_WEBHOOK_V1",
    );
  });

  it("verifies v1a during a hub key rotation, one v1a entry per published key", () => {
    const next = hubKey("hub-2");
    const signed = deliver({ keys: [key, next] });
    expect(verifyWebhook(signed.headers, signed.body, { jwks: jwksOf(next) }).type).toBe("ping");
    expect(verifyWebhook(signed.headers, signed.body, { jwks: jwksOf(key, next) }).type).toBe(
      "ping",
    );
  });

  it("asks for keys, headers and a JSON event body", () => {
    const signed = deliver({ secrets: [secret] });
    expect(failure(() => verifyWebhook(signed.headers, signed.body, {})).code).toBe(
      "ERR_WEBHOOK_KEYS",
    );
    expect(
      failure(() => verifyWebhook(signed.headers, signed.body, { secret: "not base64 !" })).code,
    ).toBe("ERR_WEBHOOK_KEYS");
    const { "webhook-id": _id, ...noId } = signed.headers;
    expect(failure(() => verifyWebhook(noId, signed.body, { secret })).code).toBe(
      "ERR_WEBHOOK_HEADERS",
    );
    const notEvent = deliver({ secrets: [secret], body: { hello: "world" } });
    expect(failure(() => verifyWebhook(notEvent.headers, notEvent.body, { secret })).code).toBe(
      "ERR_WEBHOOK_BODY",
    );
  });

  it("splits signature headers on any whitespace", () => {
    expect(signatureEntries(" v1,abc  v1a,def\tv2 ")).toEqual([
      { version: "v1", signature: "abc" },
      { version: "v1a", signature: "def" },
      { version: "v2", signature: "" },
    ]);
  });

  it("never verifies a body or id it was not signed over (property)", () => {
    const signed = deliver({ secrets: [secret], keys: [key] });
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.string({ maxLength: 20 }),
        (extra, id) => {
          const body = signed.body.replace("}", `,"x":${JSON.stringify(extra)}}`);
          const headers = id === "" ? signed.headers : { ...signed.headers, "webhook-id": id };
          expect(() => verifyWebhook(headers, body, { secret })).toThrow(WebhookVerificationError);
          expect(() => verifyWebhook(headers, body, { jwks: jwksOf(key) })).toThrow(
            WebhookVerificationError,
          );
        },
      ),
      { numRuns: 100 },
    );
  });
});
