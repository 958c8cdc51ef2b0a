/** Bulletin files: YAML keeps addresses and hashes as written; the template is a valid bulletin. */
import { describe, expect, it } from "vitest";
import { BULLETIN_TEMPLATE, parseBulletinFile } from "../../../cli/bulletin-file.js";
import { completeBulletin } from "../../../cli/sdk/bulletin-draft.js";
import { InputError } from "../../../cli/sdk/errors.js";

const bytes = (text: string) => new TextEncoder().encode(text);

describe("parseBulletinFile", () => {
  it("keeps unquoted EVM addresses, all-digit hashes and numeric titles as the text written", () => {
    // Prepare
    const yaml = `title: 2026
confidence: 85
valid_until: 2027-05-25T00:00:00Z
supersedes: null
indicators:
  - {type: crypto_address, chain: ethereum, address: 0x52908400098527886E0F7030069857D2E4169EE7}
  - type: tx_hash
    chain: bitcoin
    hash: 1234567890123456789012345678901234567890123456789012345678901234
  - {type: tx_hash, chain: ethereum, hash: 0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060}
references: [12345, 0o17, 1e5]
`;
    // Act
    const parsed = parseBulletinFile(bytes(yaml), "b.yaml");
    // Assess
    expect(parsed).toEqual({
      title: "2026",
      confidence: 85,
      valid_until: "2027-05-25T00:00:00Z",
      supersedes: null,
      indicators: [
        {
          type: "crypto_address",
          chain: "ethereum",
          address: "0x52908400098527886E0F7030069857D2E4169EE7",
        },
        {
          type: "tx_hash",
          chain: "bitcoin",
          hash: "1234567890123456789012345678901234567890123456789012345678901234",
        },
        {
          type: "tx_hash",
          chain: "ethereum",
          hash: "0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060",
        },
      ],
      references: ["12345", "0o17", "1e5"],
    });
  });

  it("reads JSON by extension or by its first brace, numbers as numbers", () => {
    const json = '{"title": "t", "confidence": 85, "references": [1]}';
    expect(parseBulletinFile(bytes(json), "b.json")).toEqual({
      title: "t",
      confidence: 85,
      references: [1],
    });
    expect(parseBulletinFile(bytes(json), "-")).toMatchObject({ confidence: 85 });
  });

  it.each([
    ["a duplicate key", "title: a\ntitle: b\n", "not valid YAML"],
    ["a list", "- a\n- b\n", "must hold one bulletin object"],
    ["broken YAML", "title: [a\n", "not valid YAML"],
  ])("refuses %s", (_case, yaml, message) => {
    expect(() => parseBulletinFile(bytes(yaml), "b.yaml")).toThrow(InputError);
    expect(() => parseBulletinFile(bytes(yaml), "b.yaml")).toThrow(message);
  });

  it("writes a template that is a valid bulletin with an indicator of each kind", () => {
    // Act
    const bulletin = completeBulletin(parseBulletinFile(bytes(BULLETIN_TEMPLATE), "new.yaml"), {
      issuer: "trm",
    });
    // Assess
    expect(
      bulletin.indicators.map((indicator) =>
        "chain" in indicator ? `${indicator.type}:${indicator.chain}` : indicator.type,
      ),
    ).toEqual([
      "crypto_address:tron",
      "crypto_address:ethereum",
      "crypto_address:bitcoin",
      "crypto_address:solana",
      "tx_hash:ethereum",
      "telegram_channel",
      "channel",
    ]);
    for (const field of ["title", "summary", "category", "tlp", "audience", "confidence"]) {
      expect(BULLETIN_TEMPLATE).toMatch(new RegExp(`^${field}:`, "m"));
    }
    for (const field of ["valid_until", "supersedes", "id"]) {
      expect(BULLETIN_TEMPLATE).toMatch(new RegExp(`^# ${field}:`, "m"));
    }
  });
});
