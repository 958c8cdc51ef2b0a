import { sha256 } from "@noble/hashes/sha2.js";
import { base58, bech32, bech32m, createBase58check, hex } from "@scure/base";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as bitcoin from "../../../shared/indicators/bitcoin.js";
import * as channel from "../../../shared/indicators/channel.js";
import * as evm from "../../../shared/indicators/evm.js";
import {
  CHAINS,
  checkIndicator,
  INDICATOR_ERROR_CODES,
  INDICATOR_TYPES,
} from "../../../shared/indicators/index.js";
import * as litecoin from "../../../shared/indicators/litecoin.js";
import * as solana from "../../../shared/indicators/solana.js";
import * as telegram from "../../../shared/indicators/telegram.js";
import * as tron from "../../../shared/indicators/tron.js";
import { type Chain, EVM_CHAINS, type ValueResult } from "../../../shared/indicators/types.js";

const base58check = createBase58check(sha256);
const BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
const BECH32_ALPHABET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

const bytes = (length: number) => fc.uint8Array({ minLength: length, maxLength: length });

function base58Address(versions: number[]): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom(...versions), bytes(20))
    .map(([version, hash]) => base58check.encode(Uint8Array.of(version, ...hash)));
}

/** A witness program valid for its version, encoded with the checksum BIP-350 calls for. */
function segwitAddress(hrp: string): fc.Arbitrary<string> {
  const v0 = fc.tuple(fc.constant(0), fc.oneof(bytes(20), bytes(32)));
  const v1plus = fc.tuple(
    fc.integer({ min: 1, max: 16 }),
    fc.uint8Array({ minLength: 2, maxLength: 40 }),
  );
  return fc.tuple(fc.oneof(v0, v1plus), fc.boolean()).map(([[version, program], upper]) => {
    const coder = version === 0 ? bech32 : bech32m;
    const address = coder.encode(hrp, [version, ...coder.toWords(program)]);
    return upper ? address.toUpperCase() : address;
  });
}

const evmAddress = bytes(20).map((raw) => evm.toChecksumAddress(`0x${hex.encode(raw)}`));
const solanaAddress = bytes(32).map((raw) => base58.encode(raw));

const families: [string, (value: string) => ValueResult, fc.Arbitrary<string>][] = [
  ["bitcoin base58", bitcoin.validate, base58Address([0x00, 0x05])],
  ["bitcoin segwit", bitcoin.validate, segwitAddress("bc")],
  ["litecoin base58", litecoin.validate, base58Address([0x30, 0x32, 0x05])],
  ["litecoin segwit", litecoin.validate, segwitAddress("ltc")],
  ["tron", tron.validate, base58Address([0x41])],
  ["evm", evm.validate, evmAddress],
  ["solana", solana.validate, solanaAddress],
];

const addressesByChain: [Chain, fc.Arbitrary<string>][] = [
  ["bitcoin", fc.oneof(base58Address([0x00, 0x05]), segwitAddress("bc"))],
  ["litecoin", fc.oneof(base58Address([0x30, 0x32, 0x05]), segwitAddress("ltc"))],
  ["tron", base58Address([0x41])],
  ["solana", solanaAddress],
  ...EVM_CHAINS.map((chain): [Chain, fc.Arbitrary<string>] => [chain, evmAddress]),
];

/** Replaces the character at `index` (taken modulo the length) by another from `alphabet`. */
function substitute(value: string, index: number, pick: number, alphabet: string): string {
  const at = index % value.length;
  const original = value.charAt(at);
  const choices = alphabet.replace(original, "");
  return value.slice(0, at) + choices.charAt(pick % choices.length) + value.slice(at + 1);
}

describe("properties: generated valid addresses", () => {
  it.each(families)(
    "%s: validates, and validating the normal form gives it back",
    (_name, validate, arb) => {
      fc.assert(
        fc.property(arb, (address) => {
          // Act
          const first = validate(address);
          const again = first.ok ? validate(first.value) : first;
          // Assess
          expect(first.ok, address).toBe(true);
          expect(again).toEqual(first);
        }),
      );
    },
  );

  it("EVM: all-lower and all-upper spellings normalise like the checksummed one", () => {
    fc.assert(
      fc.property(evmAddress, (address) => {
        // Prepare
        const body = address.slice(2);
        // Act
        const results = [address, `0x${body.toLowerCase()}`, `0x${body.toUpperCase()}`].map(
          evm.validate,
        );
        // Assess
        for (const result of results)
          expect(result).toEqual({ ok: true, value: address.toLowerCase() });
      }),
    );
  });
});

describe("properties: a single changed character is refused", () => {
  it("Base58Check (Bitcoin, Litecoin, Tron)", () => {
    // Prepare
    const cases = fc.oneof(
      base58Address([0x00, 0x05]).map((address) => [bitcoin.validate, address] as const),
      base58Address([0x30, 0x32]).map((address) => [litecoin.validate, address] as const),
      base58Address([0x41]).map((address) => [tron.validate, address] as const),
    );
    fc.assert(
      fc.property(cases, fc.nat(), fc.nat(), ([validate, address], index, pick) => {
        // Act
        const mutated = substitute(address, index, pick, BASE58_ALPHABET);
        // Assess: a 32-bit checksum; a false pass has odds of 2^-32.
        expect(validate(mutated).ok, mutated).toBe(false);
      }),
    );
  });

  it("bech32 and bech32m (Bitcoin, Litecoin)", () => {
    // Prepare
    const cases = fc.oneof(
      segwitAddress("bc").map((address) => [bitcoin.validate, address, 3] as const),
      segwitAddress("ltc").map((address) => [litecoin.validate, address, 4] as const),
    );
    fc.assert(
      fc.property(cases, fc.nat(), fc.nat(), ([validate, address, dataStart], index, pick) => {
        // Prepare: change one character of the data part, within the bech32 alphabet.
        const lower = address.toLowerCase();
        const data = substitute(lower.slice(dataStart), index, pick, BECH32_ALPHABET);
        // Act
        const result = validate(lower.slice(0, dataStart) + data);
        // Assess: BCH codes detect every single substitution.
        expect(result.ok).toBe(false);
      }),
    );
  });

  it("EIP-55: flipping the case of one letter of a mixed-case address", () => {
    fc.assert(
      fc.property(evmAddress, fc.nat(), (address, pick) => {
        // Prepare
        const letters = [...address].flatMap((char, i) =>
          i >= 2 && /[a-fA-F]/.test(char) ? [i] : [],
        );
        fc.pre(letters.length > 0);
        const at = letters[pick % letters.length] ?? 2;
        const char = address.charAt(at);
        const flipped = char === char.toUpperCase() ? char.toLowerCase() : char.toUpperCase();
        const mutated = address.slice(0, at) + flipped + address.slice(at + 1);
        const body = mutated.slice(2);
        // A single-case result carries no checksum at all, so it is not a changed checksum.
        fc.pre(body !== body.toLowerCase() && body !== body.toUpperCase());
        // Act
        const result = evm.validate(mutated);
        // Assess
        expect(result).toMatchObject({ ok: false, code: "ERR_INDICATOR_CHECKSUM" });
      }),
    );
  });
});

describe("properties: normalising is idempotent on any input", () => {
  const telegramLike = fc.oneof(
    fc.string(),
    fc
      .tuple(
        fc.constantFrom(
          "",
          "@",
          "t.me/",
          "https://t.me/",
          "https://t.me/s/",
          "t.me/+",
          "+",
          "telegram.me/joinchat/",
        ),
        fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/),
        fc.constantFrom("", "/", "/12", "?x=1", "#f"),
      )
      .map((parts) => parts.join("")),
  );

  it("telegram", () => {
    fc.assert(
      fc.property(telegramLike, (value) => {
        // Act
        const first = telegram.validate(value);
        // Assess
        if (first.ok) expect(telegram.validate(first.value)).toEqual(first);
      }),
    );
  });

  it("channel, on every platform with special rules and one without", () => {
    // Prepare
    const value = fc.oneof(
      fc.string(),
      fc.webUrl().map((url) => url.replace(/^https?:\/\/[^/]*/, (origin) => origin.toUpperCase())),
      fc.emailAddress(),
      fc.stringMatching(/^@?[A-Za-z0-9_.]{1,20}$/),
    );
    const platform = fc.constantFrom("x", "discord", "email", "website", "telegram", "Signal");
    fc.assert(
      fc.property(value, platform, (raw, name) => {
        // Act
        const first = channel.validate(raw, name);
        // Assess
        if (first.ok) expect(channel.validate(first.value, name)).toEqual(first);
      }),
    );
  });

  it("checkIndicator: re-checking the value part of a normalised string gives the same string", () => {
    // Prepare
    const indicator = fc.oneof(
      fc.oneof(
        ...addressesByChain.map(([chain, arb]) =>
          arb.map((address) => ({ type: "crypto_address", chain, address })),
        ),
      ),
      fc
        .tuple(fc.constantFrom(...CHAINS), fc.stringMatching(/^(0x)?[0-9a-fA-F]{64}$/))
        .map(([chain, hash]) => ({ type: "tx_hash", chain, hash })),
      telegramLike.map((value) => ({ type: "telegram_channel", value })),
      fc
        .tuple(fc.constantFrom("x", "email", "website", "discord", "matrix"), fc.string())
        .map(([platform, value]) => ({ type: "channel", platform, value })),
    );
    fc.assert(
      fc.property(indicator, (input) => {
        // Act
        const first = checkIndicator(input);
        fc.pre(first.ok);
        if (!first.ok) return;
        const { indicator: parsed, normalised } = first;
        const prefix =
          parsed.type === "crypto_address"
            ? `${parsed.chain}:`
            : parsed.type === "tx_hash"
              ? `${parsed.chain}:tx:`
              : parsed.type === "telegram_channel"
                ? "telegram:"
                : `${parsed.platform.toLowerCase()}:`;
        const part = normalised.slice(prefix.length);
        const member =
          parsed.type === "crypto_address"
            ? "address"
            : parsed.type === "tx_hash"
              ? "hash"
              : "value";
        const again = checkIndicator({ ...parsed, [member]: part });
        // Assess
        expect(normalised.startsWith(prefix)).toBe(true);
        expect(again).toMatchObject({ ok: true, normalised });
      }),
      { numRuns: 300 },
    );
  });
});

describe("properties: checkIndicator never throws", () => {
  function expectWellFormed(result: ReturnType<typeof checkIndicator>): void {
    if (result.ok) {
      expect(typeof result.normalised).toBe("string");
    } else {
      expect(INDICATOR_ERROR_CODES).toContain(result.error.code);
      expect(result.error.pointer === "" || result.error.pointer.startsWith("/")).toBe(true);
    }
  }

  it("on anything at all", () => {
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true, withObjectString: true }), (input) => {
        // Act
        const result = checkIndicator(input);
        // Assess
        expectWellFormed(result);
      }),
      { numRuns: 500 },
    );
  });

  it("on objects shaped almost like indicators", () => {
    // Prepare
    const member = fc.oneof(fc.string(), fc.anything());
    const shaped = fc.record(
      {
        type: fc.oneof(fc.constantFrom(...INDICATOR_TYPES), member),
        chain: fc.oneof(fc.constantFrom(...CHAINS), member),
        address: member,
        hash: member,
        value: member,
        platform: fc.oneof(fc.constantFrom("x", "email", "website", "telegram"), member),
        asset: member,
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(shaped, (input) => {
        // Act
        const result = checkIndicator(input);
        // Assess
        expectWellFormed(result);
      }),
      { numRuns: 500 },
    );
  });
});
