/**
 * fast-check arbitraries of valid bulletins and their histories (DESIGN §4, §10),
 * covering every chain, indicator type and exportable TLP, revocations and
 * supersessions. The interop property tests and the OASIS corpus script
 * (`stix-corpus.ts`) draw from the same definitions.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { base58, bech32, bech32m, createBase58check, hex } from "@scure/base";
import fc from "fast-check";
import type { BulletinPayload, Category, Tlp } from "../../shared/bulletins/schema.js";
import { CATEGORIES } from "../../shared/bulletins/schema.js";
import type { BulletinView } from "../../shared/bulletins/wire.js";
import * as evm from "../../shared/indicators/evm.js";
import { TELEGRAM_SERVICE_PATHS } from "../../shared/indicators/telegram.js";
import { CHAINS, type Chain, EVM_CHAINS, type Indicator } from "../../shared/indicators/types.js";
import type { BulletinChange, BulletinHistory } from "../../shared/interop/history.js";

const base58check = createBase58check(sha256);
const bytes = (length: number) => fc.uint8Array({ minLength: length, maxLength: length });

const base58Address = (versions: number[]) =>
  fc
    .tuple(fc.constantFrom(...versions), bytes(20))
    .map(([version, hash]) => base58check.encode(Uint8Array.of(version, ...hash)));

const segwitAddress = (hrp: string) =>
  fc
    .tuple(
      fc.oneof(
        fc.tuple(fc.constant(0), fc.oneof(bytes(20), bytes(32))),
        fc.tuple(fc.integer({ min: 1, max: 16 }), fc.uint8Array({ minLength: 2, maxLength: 40 })),
      ),
      fc.boolean(),
    )
    .map(([[version, program], upper]) => {
      const coder = version === 0 ? bech32 : bech32m;
      const address = coder.encode(hrp, [version, ...coder.toWords(program)]);
      return upper ? address.toUpperCase() : address;
    });

const evmAddress = fc
  .tuple(bytes(20), fc.constantFrom("lower", "checksum", "upper"))
  .map(([raw, spelling]) => {
    const lower = `0x${hex.encode(raw)}`;
    if (spelling === "checksum") return evm.toChecksumAddress(lower);
    return spelling === "upper" ? `0x${hex.encode(raw).toUpperCase()}` : lower;
  });

export function addressOn(chain: Chain): fc.Arbitrary<string> {
  switch (chain) {
    case "bitcoin":
      return fc.oneof(base58Address([0x00, 0x05]), segwitAddress("bc"));
    case "litecoin":
      return fc.oneof(base58Address([0x30, 0x32]), segwitAddress("ltc"));
    case "tron":
      return base58Address([0x41]);
    case "solana":
      return bytes(32).map((raw) => base58.encode(raw));
    default:
      return evmAddress;
  }
}

export function txHashOn(chain: Chain): fc.Arbitrary<string> {
  if (chain === "solana") return bytes(64).map((raw) => base58.encode(raw));
  const hash = fc.tuple(bytes(32), fc.boolean()).map(([raw, upper]) => {
    const text = hex.encode(raw);
    return upper ? text.toUpperCase() : text;
  });
  if (EVM_CHAINS.includes(chain)) return hash.map((text) => `0x${text}`);
  return fc.tuple(hash, fc.boolean()).map(([text, prefixed]) => (prefixed ? `0x${text}` : text));
}

const telegramName = fc
  .tuple(
    fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"),
    fc.string({
      unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789_"),
      minLength: 4,
      maxLength: 20,
    }),
  )
  .map(([first, rest]) => `${first}${rest}`)
  .filter((name) => !TELEGRAM_SERVICE_PATHS.has(name.toLowerCase()));

const inviteHash = fc
  .string({
    unit: fc.constantFrom(..."abcdefghijkABCDEFGHIJK0123456789_-"),
    minLength: 8,
    maxLength: 22,
  })
  .filter((hash) => !/^[0-9]+$/.test(hash));

const telegramIndicator: fc.Arbitrary<Indicator> = fc.oneof(
  fc
    .tuple(telegramName, fc.constantFrom("@", "", "t.me/", "https://t.me/", "https://telegram.me/"))
    .map(([name, prefix]) => ({ type: "telegram_channel" as const, value: `${prefix}${name}` })),
  inviteHash.map((hash) => ({ type: "telegram_channel" as const, value: `https://t.me/+${hash}` })),
);

const word = fc.string({
  unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789"),
  minLength: 2,
  maxLength: 10,
});

const channelIndicator: fc.Arbitrary<Indicator> = fc.oneof(
  fc
    .string({ unit: fc.constantFrom(..."abcdefghijkXYZ0123456789_"), minLength: 1, maxLength: 15 })
    .map((handle) => ({ type: "channel" as const, platform: "x", value: `@${handle}` })),
  word.map((handle) => ({ type: "channel" as const, platform: "discord", value: handle })),
  fc.tuple(word, word, fc.constantFrom("com", "org", "io")).map(([local, domain, tld]) => ({
    type: "channel" as const,
    platform: "email",
    value: `${local}@${domain}.${tld}`,
  })),
  fc
    .tuple(
      word,
      fc.constantFrom("com", "net", "org"),
      fc.array(word, { maxLength: 3 }),
      fc.boolean(),
    )
    .map(([host, tld, path, quote]) => ({
      type: "channel" as const,
      platform: "website",
      value: `https://${host}.${tld}/${path.join("/")}${quote ? "?q=it's" : ""}`,
    })),
  fc
    .tuple(fc.constantFrom("signal", "matrix", "Telegram"), word)
    .map(([platform, value]) =>
      platform === "Telegram"
        ? { type: "channel" as const, platform, value: `@a${value}xyzw` }
        : { type: "channel" as const, platform, value },
    ),
);

export const indicatorArbitrary: fc.Arbitrary<Indicator> = fc.oneof(
  fc
    .tuple(
      fc.constantFrom(...CHAINS),
      fc.option(fc.constantFrom("USDT", "BTC", "ETH", "usdc"), { nil: undefined }),
      fc.option(fc.constantFrom("donation", "cash-out", "deposit_1"), { nil: undefined }),
    )
    .chain(([chain, asset, role]) =>
      addressOn(chain).map(
        (address): Indicator => ({
          type: "crypto_address",
          chain,
          address,
          ...(asset === undefined ? {} : { asset }),
          ...(role === undefined ? {} : { role }),
        }),
      ),
    ),
  fc
    .constantFrom(...CHAINS)
    .chain((chain) => txHashOn(chain).map((hash): Indicator => ({ type: "tx_hash", chain, hash }))),
  telegramIndicator,
  channelIndicator,
);

const ulidArbitrary = fc
  .tuple(
    fc.constantFrom(..."01234567"),
    fc.string({
      unit: fc.constantFrom(..."0123456789ABCDEFGHJKMNPQRSTVWXYZ"),
      minLength: 25,
      maxLength: 25,
    }),
  )
  .map(([first, rest]) => `${first}${rest}`);

/** The exportable levels; TLP:RED never leaves the hub through interop. */
export const EXPORT_TLPS = ["clear", "green", "amber", "amber+strict"] as const;

const BASE = Date.parse("2026-03-01T00:00:00Z");

function iso(millis: number, micros: number): string {
  // Milliseconds from the instant, the last three microsecond digits drawn.
  return `${new Date(millis).toISOString().slice(0, 23)}${String(micros % 1000).padStart(3, "0")}Z`;
}

export interface HistoryOptions {
  tlps?: readonly Tlp[];
}

/** A valid payload (id, issuer, issued_at included). */
export function payloadArbitrary(options: HistoryOptions = {}): fc.Arbitrary<BulletinPayload> {
  return fc
    .record({
      id: ulidArbitrary,
      issuer: fc.constantFrom("trm", "binance", "nbt-fmd"),
      issuedOffset: fc.integer({ min: 0, max: 10_000_000 }),
      zone: fc.constantFrom("Z", "+02:00", "-05:30"),
      title: fc.string({ minLength: 1, maxLength: 60 }).filter((t) => t.trim() !== ""),
      summary: fc.option(fc.string({ maxLength: 200 }), { nil: undefined }),
      category: fc.constantFrom<Category>(...CATEGORIES),
      tlp: fc.constantFrom<Tlp>(...(options.tlps ?? EXPORT_TLPS)),
      confidence: fc.integer({ min: 0, max: 100 }),
      validDays: fc.option(fc.integer({ min: 1, max: 400 }), { nil: undefined }),
      supersedes: fc.option(ulidArbitrary, { nil: undefined }),
      indicators: fc.array(indicatorArbitrary, { minLength: 1, maxLength: 6 }),
      references: fc.option(
        fc.array(fc.string({ minLength: 1, maxLength: 30 }), { minLength: 1, maxLength: 3 }),
        {
          nil: undefined,
        },
      ),
    })
    .filter((draft) => draft.supersedes !== draft.id)
    .map((draft) => {
      const issued = BASE + draft.issuedOffset * 1000;
      const issuedAt =
        draft.zone === "Z" ? new Date(issued).toISOString() : zoned(issued, draft.zone);
      const audience =
        draft.tlp === "clear" || draft.tlp === "green"
          ? undefined
          : draft.tlp === "amber"
            ? ["binance", "group:central-banks"]
            : ["binance", "nbt-fmd"];
      return {
        id: draft.id,
        issuer: draft.issuer,
        issued_at: issuedAt,
        title: draft.title,
        ...(draft.summary === undefined ? {} : { summary: draft.summary }),
        category: draft.category,
        tlp: draft.tlp,
        ...(audience === undefined ? {} : { audience }),
        confidence: draft.confidence,
        valid_until:
          draft.validDays === undefined
            ? null
            : new Date(issued + draft.validDays * 86_400_000).toISOString(),
        supersedes: draft.supersedes ?? null,
        indicators: draft.indicators,
        ...(draft.references === undefined ? {} : { references: draft.references }),
      };
    });
}

function zoned(millis: number, zone: string): string {
  const sign = zone.startsWith("-") ? -1 : 1;
  const [hours = 0, minutes = 0] = zone.slice(1).split(":").map(Number);
  const local = new Date(millis + sign * (hours * 60 + minutes) * 60_000).toISOString();
  return `${local.slice(0, 19)}${zone}`;
}

const fakeJws = (label: string) =>
  bytes(24).map((raw) => `eyJhbGciOiJFZERTQSJ9.${label}${hex.encode(raw)}.c2lnbmF0dXJl`);

/**
 * A bulletin's history: published, then perhaps revoked or superseded (and rarely
 * superseded then revoked), `at` strictly increasing with microseconds.
 */
export function historyArbitrary(options: HistoryOptions = {}): fc.Arbitrary<BulletinHistory> {
  return fc
    .record({
      payload: payloadArbitrary(options),
      fate: fc.constantFrom("active", "active", "revoked", "superseded", "superseded-revoked"),
      delays: fc.array(fc.integer({ min: 1, max: 5_000_000 }), { minLength: 3, maxLength: 3 }),
      micros: fc.array(fc.integer({ min: 0, max: 999_999 }), { minLength: 3, maxLength: 3 }),
      issuerName: fc.constantFrom(
        "TRM Labs",
        "  Binance ",
        "NBT Financial Monitoring",
        "Ünïcode Org",
      ),
      jws: fakeJws("payload"),
      receipts: fc.array(fakeJws("receipt"), { minLength: 3, maxLength: 3 }),
      successor: ulidArbitrary,
      seq: fc.integer({ min: 0, max: 1_000_000 }),
      digest: bytes(32).map((raw) => hex.encode(raw)),
    })
    .map((drawn) => {
      const receivedMillis = Date.parse(drawn.payload.issued_at) + (drawn.delays[0] ?? 1);
      const kinds: BulletinChange["kind"][] =
        drawn.fate === "active"
          ? ["published"]
          : drawn.fate === "superseded-revoked"
            ? ["published", "superseded", "revoked"]
            : ["published", drawn.fate as "revoked" | "superseded"];
      let millis = receivedMillis;
      const changes = kinds.map((kind, index) => {
        if (index > 0) millis += drawn.delays[index] ?? 1;
        return {
          seq: drawn.seq + index * 7,
          kind,
          at: iso(millis, drawn.micros[index] ?? 0),
          receipt: drawn.receipts[index] ?? "",
        };
      });
      const last = changes[changes.length - 1] as BulletinChange;
      const revokedChange = changes.find((change) => change.kind === "revoked");
      const status = last.kind === "published" ? "active" : last.kind;
      const view: BulletinView = {
        id: drawn.payload.id,
        issuer: drawn.payload.issuer,
        status,
        received_at: (changes[0] as BulletinChange).at,
        content_sha256: drawn.digest,
        bulletin: drawn.payload,
        jws: drawn.jws,
        receipt: (changes[0] as BulletinChange).receipt,
        ...(revokedChange === undefined
          ? {}
          : { revocation: { reason: "Withdrawn: wrong address", revoked_at: revokedChange.at } }),
      };
      return {
        view,
        issuer_name: drawn.issuerName,
        ...(kinds.includes("superseded") ? { superseded_by: drawn.successor } : {}),
        changes,
      };
    });
}
