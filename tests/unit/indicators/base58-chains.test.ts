import { sha256 } from "@noble/hashes/sha2.js";
import { base58, bech32, bech32m, createBase58check } from "@scure/base";
import { describe, expect, it } from "vitest";
import * as litecoin from "../../../shared/indicators/litecoin.js";
import * as solana from "../../../shared/indicators/solana.js";
import * as tron from "../../../shared/indicators/tron.js";

const base58check = createBase58check(sha256);

describe("tron", () => {
  it("accepts real addresses and keeps them as given", () => {
    // Prepare: the USDT-TRC20 contract and two more valid addresses.
    const addresses = [
      "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
      "TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7",
      "TNPeeaaFB7K9cmo4uQpcU32zGK8G1NYqeL",
    ];
    for (const address of addresses) {
      // Act
      const result = tron.validate(address);
      // Assess
      expect(result, address).toEqual({ ok: true, value: address });
    }
  });

  it("refuses a mistyped character as a checksum error", () => {
    // Act
    const result = tron.validate("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6T");
    // Assess
    expect(result).toMatchObject({ ok: false, code: "ERR_INDICATOR_CHECKSUM" });
  });

  it("refuses a valid Base58Check address with another version byte", () => {
    // Act
    const result = tron.validate("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa");
    // Assess
    expect(result).toMatchObject({ ok: false, code: "ERR_INDICATOR_FORMAT" });
  });

  it("refuses Tron's hex form (41…), which is not the base58 address", () => {
    // Act
    const result = tron.validate("41a614f803b6fd780986a42c78ec9c7f77e6ded13c");
    // Assess
    expect(result).toMatchObject({ ok: false, code: "ERR_INDICATOR_FORMAT" });
  });
});

describe("litecoin", () => {
  it("accepts L…, M… and legacy 3… Base58Check addresses as given", () => {
    // Prepare
    const addresses = [
      "LV7LV7Z4bWDEjYkfx9dQo6k6RjGbXsg6hS",
      "Lg3PX8wRWmApFCoCMAsPF5P9dPHYQHEWKW",
      "MGEW4aba3tnrVtVhGcmoqqHaLt5ymPSLPi",
      "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy",
    ];
    for (const address of addresses) {
      // Act
      const result = litecoin.validate(address);
      // Assess
      expect(result, address).toEqual({ ok: true, value: address });
    }
  });

  it("accepts ltc1 addresses in either case and lower-cases them", () => {
    // Prepare
    const cases: [string, string][] = [
      [
        "ltc1qx88q7zjd74lxwgkjmmwlqv5pd3vujuehexfttt",
        "ltc1qx88q7zjd74lxwgkjmmwlqv5pd3vujuehexfttt",
      ],
      [
        "LTC1QXTM55GULTQZHQZL2P3KS50HG2478Y3HEHUJ6DZ",
        "ltc1qxtm55gultqzhqzl2p3ks50hg2478y3hehuj6dz",
      ],
    ];
    for (const [address, normal] of cases) {
      // Act
      const result = litecoin.validate(address);
      // Assess
      expect(result, address).toEqual({ ok: true, value: normal });
    }
  });

  it("reads a Base58 address that happens to start with LTC1 as Base58", () => {
    // Prepare: a version 0x30 payload whose encoding starts with "LTC1" (found by search).
    const address = "LTC1TR8oEkCWsKt4BRHdotegqhJVWLM5MY";
    // Act
    const valid = litecoin.validate(address);
    const mistyped = litecoin.validate("LTC1TR8oEkCWsKt4BRHdotegqhJVWLM5MZ");
    // Assess
    expect(valid).toEqual({ ok: true, value: address });
    expect(mistyped).toMatchObject({ ok: false, code: "ERR_INDICATOR_CHECKSUM" });
  });

  it("applies the BIP-350 witness rules with the ltc prefix", () => {
    // Prepare
    const program = new Uint8Array(32).fill(7);
    const v1 = bech32m.encode("ltc", [1, ...bech32m.toWords(program)]);
    const v1WithBech32 = bech32.encode("ltc", [1, ...bech32.toWords(program)]);
    // Act
    const results = [litecoin.validate(v1), litecoin.validate(v1WithBech32)];
    // Assess
    expect(results[0]).toEqual({ ok: true, value: v1 });
    expect(results[1]).toMatchObject({ ok: false, code: "ERR_INDICATOR_CHECKSUM" });
  });

  it("refuses mixed case, bad checksums, Bitcoin and testnet addresses", () => {
    // Prepare
    const refused: [string, string][] = [
      ["ltc1qX88q7zjd74lxwgkjmmwlqv5pd3vujuehexfttt", "ERR_INDICATOR_FORMAT"],
      ["ltc1qx88q7zjd74lxwgkjmmwlqv5pd3vujuehexftta", "ERR_INDICATOR_CHECKSUM"],
      ["LV7LV7Z4bWDEjYkfx9dQo6k6RjGbXsg6hT", "ERR_INDICATOR_CHECKSUM"],
      ["1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "ERR_INDICATOR_FORMAT"],
      ["bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", "ERR_INDICATOR_FORMAT"],
      [bech32.encode("tltc", [0, ...bech32.toWords(new Uint8Array(20))]), "ERR_INDICATOR_FORMAT"],
      [
        base58check.encode(Uint8Array.of(0x6f, ...new Uint8Array(20).fill(1))),
        "ERR_INDICATOR_FORMAT",
      ],
    ];
    for (const [address, code] of refused) {
      // Act
      const result = litecoin.validate(address);
      // Assess
      expect(result, address).toMatchObject({ ok: false, code });
    }
  });
});

describe("solana", () => {
  it("accepts 32-byte Base58 addresses and keeps them as given", () => {
    // Prepare: the USDC mint, the SPL Token program and the System program (32 zero bytes).
    const addresses = [
      "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v",
      "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA",
      "11111111111111111111111111111111",
    ];
    for (const address of addresses) {
      // Act
      const result = solana.validate(address);
      // Assess
      expect(result, address).toEqual({ ok: true, value: address });
    }
  });

  it("refuses other lengths and characters outside the alphabet", () => {
    // Prepare
    const refused = [
      base58.encode(new Uint8Array(31).fill(9)),
      base58.encode(new Uint8Array(33).fill(9)),
      "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt10",
      "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    ];
    for (const address of refused) {
      // Act
      const result = solana.validate(address);
      // Assess
      expect(result, address).toMatchObject({ ok: false, code: "ERR_INDICATOR_FORMAT" });
    }
  });

  it("refuses absurdly long input", () => {
    // Act
    const result = solana.validate("1".repeat(10_000));
    // Assess
    expect(result).toMatchObject({ ok: false, code: "ERR_INDICATOR_TOO_LONG" });
  });
});
