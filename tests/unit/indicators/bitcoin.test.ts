import { describe, expect, it } from "vitest";
import * as bitcoin from "../../../shared/indicators/bitcoin.js";
import { IndicatorError } from "../../../shared/indicators/errors.js";
import type { IndicatorErrorCode } from "../../../shared/indicators/types.js";

const FORMAT: IndicatorErrorCode = "ERR_INDICATOR_FORMAT";
const CHECKSUM: IndicatorErrorCode = "ERR_INDICATOR_CHECKSUM";

describe("bitcoin: BIP-173 segwit address vectors", () => {
  it("accepts the mainnet witness v0 vector and lower-cases it", () => {
    // Prepare
    const address = "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4";
    // Act
    const result = bitcoin.validate(address);
    // Assess
    expect(result).toEqual({ ok: true, value: "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4" });
  });

  it("refuses the testnet vectors as not mainnet", () => {
    // Prepare
    const testnet = [
      "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7",
      "tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy",
    ];
    for (const address of testnet) {
      // Act
      const result = bitcoin.validate(address);
      // Assess
      expect(result, address).toMatchObject({ ok: false, code: FORMAT });
    }
  });

  it("refuses BIP-173's v1+ vectors, which BIP-350 re-encodes with bech32m", () => {
    // Prepare: valid under BIP-173, but a v1..v16 address must now use bech32m.
    const superseded = [
      "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7k7grplx",
      "BC1SW50QA3JX3S",
      "bc1zw508d6qejxtdg4y5r3zarvaryvg6kdaj",
    ];
    for (const address of superseded) {
      // Act
      const result = bitcoin.validate(address);
      // Assess
      expect(result, address).toMatchObject({ ok: false, code: CHECKSUM });
    }
  });

  it("refuses every invalid vector with the code its reason calls for", () => {
    // Prepare: [address, code, BIP-173's reason]
    const invalid: [string, IndicatorErrorCode, string][] = [
      ["tc1qw508d6qejxtdg4y5r3zarvary0c5xw7kg3g4ty", FORMAT, "invalid human-readable part"],
      ["bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5", CHECKSUM, "invalid checksum"],
      ["BC13W508D6QEJXTDG4Y5R3ZARVARY0C5XW7KN40WF2", FORMAT, "invalid witness version"],
      ["bc1rw5uspcuh", FORMAT, "invalid program length"],
      [
        "bc10w508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kw5rljs90",
        FORMAT,
        "invalid program length",
      ],
      ["BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P", FORMAT, "invalid v0 program length"],
      ["tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sL5k7", FORMAT, "mixed case"],
      ["bc1zw508d6qejxtdg4y5r3zarvaryvqyzf3du", FORMAT, "zero padding of more than 4 bits"],
      [
        "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3pjxtptv",
        FORMAT,
        "non-zero padding",
      ],
      ["bc1gmk9yu", FORMAT, "empty data section"],
    ];
    for (const [address, code, reason] of invalid) {
      // Act
      const result = bitcoin.validate(address);
      // Assess
      expect(result, `${address}: ${reason}`).toMatchObject({ ok: false, code });
    }
  });
});

describe("bitcoin: BIP-350 segwit address vectors", () => {
  it("accepts the mainnet vectors and lower-cases them", () => {
    // Prepare: [address, normal form]
    const valid: [string, string][] = [
      ["BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"],
      [
        "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y",
        "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y",
      ],
      ["BC1SW50QGDZ25J", "bc1sw50qgdz25j"],
      ["bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs", "bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs"],
      [
        "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
        "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
      ],
    ];
    for (const [address, normal] of valid) {
      // Act
      const result = bitcoin.validate(address);
      // Assess
      expect(result, address).toEqual({ ok: true, value: normal });
    }
  });

  it("refuses the testnet vectors as not mainnet", () => {
    // Prepare
    const testnet = [
      "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7",
      "tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy",
      "tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c",
    ];
    for (const address of testnet) {
      // Act
      const result = bitcoin.validate(address);
      // Assess
      expect(result, address).toMatchObject({ ok: false, code: FORMAT });
    }
  });

  it("refuses every invalid vector with the code its reason calls for", () => {
    // Prepare: [address, code, BIP-350's reason]
    const invalid: [string, IndicatorErrorCode, string][] = [
      [
        "tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut",
        FORMAT,
        "invalid human-readable part",
      ],
      [
        "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",
        CHECKSUM,
        "bech32 instead of bech32m",
      ],
      [
        "tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf",
        FORMAT,
        "bech32 instead of bech32m (and testnet)",
      ],
      [
        "BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL",
        CHECKSUM,
        "bech32 instead of bech32m",
      ],
      ["bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh", CHECKSUM, "bech32m instead of bech32"],
      [
        "tb1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq24jc47",
        FORMAT,
        "bech32m instead of bech32 (and testnet)",
      ],
      [
        "bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4",
        FORMAT,
        "invalid character in checksum",
      ],
      [
        "BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R",
        FORMAT,
        "invalid witness version",
      ],
      ["bc1pw5dgrnzv", FORMAT, "invalid program length (1 byte)"],
      [
        "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav",
        FORMAT,
        "invalid program length (41 bytes)",
      ],
      ["BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P", FORMAT, "invalid v0 program length"],
      ["tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq", FORMAT, "mixed case"],
      [
        "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf",
        FORMAT,
        "zero padding of more than 4 bits",
      ],
      [
        "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j",
        FORMAT,
        "non-zero padding in 8-to-5 conversion",
      ],
      ["bc1gmk9yu", FORMAT, "empty data section"],
    ];
    for (const [address, code, reason] of invalid) {
      // Act
      const result = bitcoin.validate(address);
      // Assess
      expect(result, `${address}: ${reason}`).toMatchObject({ ok: false, code });
    }
  });

  it("refuses a mainnet address that mixes cases", () => {
    // Prepare
    const address = "bc1qW508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4";
    // Act
    const result = bitcoin.validate(address);
    // Assess
    expect(result).toMatchObject({ ok: false, code: FORMAT });
  });
});

describe("bitcoin: Base58Check addresses", () => {
  it("accepts P2PKH and P2SH addresses and keeps them as given", () => {
    // Prepare: the genesis block's coinbase address and a widely cited P2SH example.
    const addresses = ["1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"];
    for (const address of addresses) {
      // Act
      const result = bitcoin.validate(address);
      // Assess
      expect(result).toEqual({ ok: true, value: address });
    }
  });

  it("refuses a mistyped character as a checksum error", () => {
    // Prepare
    const address = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb";
    // Act
    const result = bitcoin.validate(address);
    // Assess
    expect(result).toMatchObject({ ok: false, code: CHECKSUM });
  });

  it("refuses testnet P2PKH and P2SH addresses as not mainnet", () => {
    // Prepare
    const addresses = ["mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn", "2MzQwSSnBHWHqSAqtTVQ6v47XtaisrJa1Vc"];
    for (const address of addresses) {
      // Act
      const result = bitcoin.validate(address);
      // Assess
      expect(result, address).toMatchObject({ ok: false, code: FORMAT });
      expect(result.ok || result.message).toMatch(/mainnet/);
    }
  });

  it("refuses another chain's valid Base58Check address by its version byte", () => {
    // Prepare
    const tron = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t";
    // Act
    const result = bitcoin.validate(tron);
    // Assess
    expect(result).toMatchObject({ ok: false, code: FORMAT });
  });

  it("refuses characters outside the Base58 alphabet", () => {
    // Prepare
    const address = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfN0";
    // Act
    const result = bitcoin.validate(address);
    // Assess
    expect(result).toMatchObject({ ok: false, code: FORMAT });
  });
});

describe("bitcoin: input handling", () => {
  it("trims surrounding whitespace before checking", () => {
    // Prepare
    const address = " \t1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa\n";
    // Act
    const result = bitcoin.validate(address);
    // Assess
    expect(result).toEqual({ ok: true, value: "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa" });
  });

  it("refuses absurdly long input before decoding it, and empty input", () => {
    // Prepare
    const long = "1".repeat(100_000);
    // Act
    const results = [bitcoin.validate(long), bitcoin.validate("   ")];
    // Assess
    expect(results[0]).toMatchObject({ ok: false, code: "ERR_INDICATOR_TOO_LONG" });
    expect(results[1]).toMatchObject({ ok: false, code: FORMAT });
  });

  it("normalise answers the canonical address or throws an IndicatorError at /address", () => {
    // Prepare
    const bad = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5";
    // Act
    const good = bitcoin.normalise("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4");
    const thrown = (() => {
      try {
        bitcoin.normalise(bad);
      } catch (error) {
        return error;
      }
    })();
    // Assess
    expect(good).toBe("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4");
    expect(thrown).toBeInstanceOf(IndicatorError);
    expect(thrown).toMatchObject({ name: "IndicatorError", code: CHECKSUM, pointer: "/address" });
  });
});
