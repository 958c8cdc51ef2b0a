/** A fixed bulletin history for the interop tests that check exact output. */
import type { BulletinPayload } from "../../../shared/bulletins/schema.js";
import type { BulletinChange, BulletinHistory } from "../../../shared/interop/history.js";

export function samplePayload(overrides: Partial<BulletinPayload> = {}): BulletinPayload {
  return {
    id: "01JDX3Q8Z6V2M4N5P6R7S8T9VW",
    issuer: "trm",
    issued_at: "2026-11-25T12:00:00Z",
    title: "ISKP donation address and recruitment channel",
    summary: "Address advertised in a Telegram channel used to raise donations.",
    category: "terrorist_financing",
    tlp: "amber",
    audience: ["binance", "group:central-banks"],
    confidence: 85,
    valid_until: "2027-05-25T00:00:00Z",
    supersedes: null,
    indicators: [
      {
        type: "crypto_address",
        chain: "tron",
        address: "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
        asset: "USDT",
        role: "donation",
      },
      { type: "telegram_channel", value: "https://t.me/example_channel" },
      { type: "tx_hash", chain: "ethereum", hash: `0x${"AB".repeat(32)}` },
      { type: "channel", platform: "x", value: "@Example" },
    ],
    references: ["case:2026-0142"],
    ...overrides,
  };
}

export function sampleHistory(
  overrides: Partial<BulletinPayload> = {},
  kinds: BulletinChange["kind"][] = ["published"],
  firstAt = "2026-11-25T12:00:01.123456Z",
): BulletinHistory {
  const payload = samplePayload(overrides);
  const start = Date.parse(firstAt);
  const changes = kinds.map((kind, index) => ({
    seq: 40 + index,
    kind,
    at: `${new Date(start + index * 60_000).toISOString().slice(0, 23)}${firstAt.slice(23, 26)}Z`,
    receipt: `eyJhbGciOiJFZERTQSJ9.change${index}.c2ln`,
  }));
  const last = changes[changes.length - 1] as BulletinChange;
  const revoked = changes.find((change) => change.kind === "revoked");
  return {
    view: {
      id: payload.id,
      issuer: payload.issuer,
      status: last.kind === "published" ? "active" : last.kind,
      received_at: (changes[0] as BulletinChange).at,
      content_sha256: "9f".repeat(32),
      bulletin: payload,
      jws: "eyJhbGciOiJFZERTQSJ9.cGF5bG9hZA.c2ln",
      receipt: (changes[0] as BulletinChange).receipt,
      ...(revoked === undefined
        ? {}
        : { revocation: { reason: "wrong address", revoked_at: revoked.at } }),
    },
    issuer_name: "TRM Labs",
    ...(kinds.includes("superseded") ? { superseded_by: "01JDX3Q8Z6V2M4N5P6R7S8T9XX" } : {}),
    changes,
  };
}
