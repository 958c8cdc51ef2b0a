import { base58 } from "@scure/base";
import { describe, expect, it } from "vitest";
import * as txHash from "../../../shared/indicators/tx-hash.js";
import { EVM_CHAINS } from "../../../shared/indicators/types.js";

const HEX = "4A5E1E4BAAB89F3A32518A88C31BC87F618F76673E2CC77AB2127B7AFDEDA33B";

describe("tx-hash", () => {
  it("keeps 0x and lower-cases hashes on every EVM chain", () => {
    for (const chain of EVM_CHAINS) {
      // Act
      const result = txHash.validate(`0x${HEX}`, chain);
      // Assess
      expect(result, chain).toEqual({ ok: true, value: `0x${HEX.toLowerCase()}` });
    }
  });

  it("refuses an EVM hash without 0x or of the wrong length", () => {
    // Prepare
    const bad = [HEX, `0x${HEX.slice(1)}`, `0x${HEX}00`, `0x${HEX.slice(1)}g`];
    for (const hash of bad) {
      // Act
      const result = txHash.validate(hash, "ethereum");
      // Assess
      expect(result, hash).toMatchObject({ ok: false, code: "ERR_INDICATOR_FORMAT" });
    }
  });

  it("lower-cases bitcoin, litecoin and tron hashes and drops a pasted 0x", () => {
    for (const chain of ["bitcoin", "litecoin", "tron"] as const) {
      // Act
      const plain = txHash.validate(HEX, chain);
      const prefixed = txHash.validate(`0x${HEX}`, chain);
      // Assess
      expect(plain, chain).toEqual({ ok: true, value: HEX.toLowerCase() });
      expect(prefixed, chain).toEqual({ ok: true, value: HEX.toLowerCase() });
    }
  });

  it("refuses non-hex or short bitcoin hashes", () => {
    // Prepare
    const bad = [HEX.slice(2), `${HEX.slice(1)}z`, `0X${HEX}`];
    for (const hash of bad) {
      // Act
      const result = txHash.validate(hash, "bitcoin");
      // Assess
      expect(result, hash).toMatchObject({ ok: false, code: "ERR_INDICATOR_FORMAT" });
    }
  });

  it("keeps a 64-byte Base58 Solana signature as given and refuses other lengths", () => {
    // Prepare
    const signature = base58.encode(Uint8Array.from({ length: 64 }, (_, i) => (i * 37 + 11) % 256));
    const short = base58.encode(new Uint8Array(32).fill(5));
    // Act
    const results = [txHash.validate(signature, "solana"), txHash.validate(short, "solana")];
    // Assess
    expect(results[0]).toEqual({ ok: true, value: signature });
    expect(results[1]).toMatchObject({ ok: false, code: "ERR_INDICATOR_FORMAT" });
  });

  it("bounds the length and refuses an unknown chain", () => {
    // Act
    const long = txHash.validate("a".repeat(5000), "bitcoin");
    // @ts-expect-error: plain JavaScript callers can pass any chain.
    const unknown = txHash.validate(HEX, "dogecoin");
    // Assess
    expect(long).toMatchObject({ ok: false, code: "ERR_INDICATOR_TOO_LONG" });
    expect(unknown).toMatchObject({ ok: false, code: "ERR_INDICATOR_UNKNOWN_CHAIN" });
  });

  it("normalise throws at /hash", () => {
    // Act
    const act = () => txHash.normalise("nope", "ethereum");
    // Assess
    expect(act).toThrowError(
      expect.objectContaining({ code: "ERR_INDICATOR_FORMAT", pointer: "/hash" }),
    );
  });
});
