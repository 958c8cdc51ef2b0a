/**
 * Standard Webhooks signatures (DESIGN §6): `v1,` HMAC-SHA256 with each live
 * subscription secret (two during a rotation) and `v1a,` Ed25519 with each hub key
 * published in the JWKS, over `{webhook-id}.{webhook-timestamp}.{body}`, made afresh
 * for every attempt.
 */
import { createHash, randomBytes } from "node:crypto";
import { base32nopad } from "@scure/base";
import { Webhook } from "standardwebhooks";
import { signEd25519 } from "../signatures/hub-keys.js";
import type { SigningKey } from "../signatures/types.js";

export const SECRET_PREFIX = "whsec_";

export function newWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString("base64");
}

/** Stable per event × subscription, so subscribers can drop duplicates. */
export function webhookId(eventId: string, subscriptionId: string): string {
  const digest = createHash("sha256").update(`${eventId}\n${subscriptionId}`).digest();
  return `msg_${base32nopad.encode(digest.subarray(0, 20)).toLowerCase()}`;
}

export interface SignedHeaders {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
}

export async function signWebhook(input: {
  id: string;
  timestamp: Date;
  body: string;
  secrets: readonly string[];
  hubKeys: readonly SigningKey[];
}): Promise<SignedHeaders> {
  const seconds = Math.floor(input.timestamp.getTime() / 1000);
  const signedContent = new TextEncoder().encode(`${input.id}.${seconds}.${input.body}`);
  const symmetric = input.secrets.map((secret) =>
    new Webhook(secret).sign(input.id, input.timestamp, input.body),
  );
  const asymmetric = await Promise.all(
    input.hubKeys.map(
      async (key) => `v1a,${Buffer.from(await signEd25519(key, signedContent)).toString("base64")}`,
    ),
  );
  return {
    "webhook-id": input.id,
    "webhook-timestamp": String(seconds),
    "webhook-signature": [...symmetric, ...asymmetric].join(" "),
  };
}
