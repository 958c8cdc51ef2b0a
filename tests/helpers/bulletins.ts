/** Building and publishing signed bulletins in tests. */
import { randomBytes } from "node:crypto";
import { ulid } from "ulid";
import type { RawResponse } from "../../cli/sdk/transport.js";
import type { BulletinPayload } from "../../shared/bulletins/schema.js";
import { signBulletin } from "../../shared/signatures/bulletin-jws.js";
import type { TestOrg } from "./hub.js";

export const TRON_USDT_DONATION = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t";

export function bulletinPayload(
  issuer: string,
  overrides: Partial<BulletinPayload> = {},
): BulletinPayload {
  return {
    id: ulid(),
    issuer,
    issued_at: new Date().toISOString(),
    title: "ISKP donation address and recruitment channel",
    summary: "Address advertised in a Telegram channel used to raise donations.",
    category: "terrorist_financing",
    tlp: "green",
    confidence: 85,
    valid_until: null,
    supersedes: null,
    indicators: [
      {
        type: "crypto_address",
        chain: "tron",
        address: TRON_USDT_DONATION,
        asset: "USDT",
        role: "donation",
      },
      { type: "telegram_channel", value: "https://t.me/example_channel" },
    ],
    references: ["case:2026-0142"],
    ...overrides,
  };
}

export async function publish(
  org: TestOrg,
  payload: BulletinPayload,
): Promise<RawResponse & { jws: string }> {
  const jws = await signBulletin(payload, org.key);
  const response = await org.client.raw("POST", "/v1/bulletins", { body: { jws } });
  return { ...response, jws };
}

/** A random EVM address, lower-case (so no checksum applies). */
export function randomEvmAddress(): string {
  return `0x${randomBytes(20).toString("hex")}`;
}
