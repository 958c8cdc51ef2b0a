/**
 * The hub's own secret material, kept in one JSON document: in Secrets Manager on
 * AWS, in the data folder locally. `signing` holds the Ed25519 keys published in the
 * JWKS (receipts, webhook v1a); `pseudonym_key` keys the pseudonyms of sighting
 * reporters. Never logged.
 */
import { randomBytes } from "node:crypto";
import * as z from "zod";
import {
  generateHubKeySet,
  type HubKeySet,
  hubKeySetToJson,
  parseHubKeySet,
} from "../signatures/hub-keys.js";

export interface HubSecret {
  hubKeys: HubKeySet;
  pseudonymKey: Uint8Array;
}

const HubSecretDocument = z.object({
  signing: z.unknown(),
  pseudonym_key: z
    .base64url()
    .refine((value) => Buffer.from(value, "base64url").length === 32, "32 bytes"),
});

export function parseHubSecret(input: unknown): HubSecret {
  const document = HubSecretDocument.parse(input);
  return {
    hubKeys: parseHubKeySet(document.signing),
    pseudonymKey: new Uint8Array(Buffer.from(document.pseudonym_key, "base64url")),
  };
}

/** The secret as stored (Secrets Manager's string, the local data folder's file). */
export function parseHubSecretText(text: string): HubSecret {
  return parseHubSecret(JSON.parse(text));
}

export async function generateHubSecret(): Promise<HubSecret> {
  return { hubKeys: await generateHubKeySet(), pseudonymKey: new Uint8Array(randomBytes(32)) };
}

export function hubSecretToJson(secret: HubSecret): unknown {
  return {
    signing: hubKeySetToJson(secret.hubKeys),
    pseudonym_key: Buffer.from(secret.pseudonymKey).toString("base64url"),
  };
}
