import { describe, expect, it } from "vitest";
import * as evm from "../../../shared/indicators/evm.js";
import { checkIndicator } from "../../../shared/indicators/index.js";
import { EVM_CHAINS } from "../../../shared/indicators/types.js";

/** EIP-55's published test cases. */
const EIP55_CHECKSUMMED = [
  "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
  "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
  "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
  "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
];
const EIP55_ALL_CAPS = [
  "0x52908400098527886E0F7030069857D2E4169EE7",
  "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
];
const EIP55_ALL_LOWER = [
  "0xde709f2102306220921060314715629080e2fb77",
  "0x27b1fdb04752bbc536007a920d24acb045561c26",
];

/** Flips the case of the first hex letter at or after `from`. */
function flipOneLetter(address: string, from = 2): string {
  const chars = [...address];
  const at = chars.findIndex((char, i) => i >= from && /[a-fA-F]/.test(char));
  const char = chars[at] ?? "";
  chars[at] = char === char.toLowerCase() ? char.toUpperCase() : char.toLowerCase();
  return chars.join("");
}

describe("evm: EIP-55 vectors", () => {
  it("accepts the checksummed vectors and lower-cases them", () => {
    for (const address of EIP55_CHECKSUMMED) {
      // Act
      const result = evm.validate(address);
      // Assess
      expect(result, address).toEqual({ ok: true, value: address.toLowerCase() });
    }
  });

  it("accepts the all-caps and all-lower vectors, which carry no checksum", () => {
    for (const address of [...EIP55_ALL_CAPS, ...EIP55_ALL_LOWER]) {
      // Act
      const result = evm.validate(address);
      // Assess
      expect(result, address).toEqual({ ok: true, value: `0x${address.slice(2).toLowerCase()}` });
    }
  });

  it("computes the published checksum from the lower-case address", () => {
    for (const address of EIP55_CHECKSUMMED) {
      // Act
      const checksummed = evm.toChecksumAddress(address.toLowerCase());
      // Assess
      expect(checksummed).toBe(address);
    }
  });

  it("refuses a mixed-case address whose case pattern breaks the checksum", () => {
    for (const address of EIP55_CHECKSUMMED) {
      // Prepare
      const broken = flipOneLetter(address, 20);
      // Act
      const result = evm.validate(broken);
      // Assess
      expect(result, broken).toMatchObject({ ok: false, code: "ERR_INDICATOR_CHECKSUM" });
    }
  });
});

describe("evm: format", () => {
  it("refuses what is not 0x and 40 hex digits", () => {
    // Prepare
    const bad = [
      "5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
      "0X5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
      "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe",
      "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed0",
      "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeg",
      "0x",
    ];
    for (const address of bad) {
      // Act
      const result = evm.validate(address);
      // Assess
      expect(result, address).toMatchObject({ ok: false, code: "ERR_INDICATOR_FORMAT" });
    }
  });

  it("trims surrounding whitespace and bounds the length", () => {
    // Act
    const trimmed = evm.validate("  0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed\n");
    const long = evm.validate(`0x${"a".repeat(1000)}`);
    // Assess
    expect(trimmed).toEqual({ ok: true, value: "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed" });
    expect(long).toMatchObject({ ok: false, code: "ERR_INDICATOR_TOO_LONG" });
  });

  it("normalises the same address on every EVM chain, each chain to its own string", () => {
    // Prepare
    const address = "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359";
    // Act
    const normalised = EVM_CHAINS.map((chain) => {
      const result = checkIndicator({ type: "crypto_address", chain, address });
      return result.ok ? result.normalised : result.error.code;
    });
    // Assess
    expect(normalised).toEqual([
      "ethereum:0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359",
      "bsc:0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359",
      "polygon:0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359",
      "arbitrum:0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359",
      "optimism:0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359",
      "base:0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359",
      "avalanche:0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359",
    ]);
  });

  it("normalise throws at /address for an invalid address", () => {
    // Act
    const act = () => evm.normalise("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD");
    // Assess
    expect(act).toThrowError(
      expect.objectContaining({ code: "ERR_INDICATOR_CHECKSUM", pointer: "/address" }),
    );
  });
});
