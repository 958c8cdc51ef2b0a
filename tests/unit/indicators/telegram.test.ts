import { describe, expect, it } from "vitest";
import * as telegram from "../../../shared/indicators/telegram.js";

describe("telegram: public channels", () => {
  it("reads every accepted spelling as the lower-cased username", () => {
    // Prepare
    const spellings = [
      "@Example_Channel",
      "Example_Channel",
      "t.me/Example_Channel",
      "https://t.me/Example_Channel",
      "http://t.me/Example_Channel",
      "telegram.me/Example_Channel",
      "https://telegram.me/Example_Channel",
      "https://t.me/s/Example_Channel",
      "t.me/s/Example_Channel/42",
      "https://t.me/Example_Channel/123",
      "https://t.me/Example_Channel/",
      "https://t.me/Example_Channel?start=abc",
      "https://t.me/Example_Channel/123?single#comments",
      "HTTPS://T.ME/Example_Channel",
      "  @Example_Channel \n",
    ];
    for (const spelling of spellings) {
      // Act
      const result = telegram.validate(spelling);
      // Assess
      expect(result, spelling).toEqual({ ok: true, value: "example_channel" });
    }
  });

  it("accepts usernames of 5 and 32 characters and refuses 4 and 33", () => {
    // Act
    const results = ["abcde", `a${"b".repeat(31)}`, "abcd", `a${"b".repeat(32)}`].map((name) =>
      telegram.validate(name),
    );
    // Assess
    expect(results.map((result) => result.ok)).toEqual([true, true, false, false]);
  });

  it("refuses what is not a public channel", () => {
    // Prepare
    const refused = [
      "",
      "1abcde",
      "_abcde",
      "@exa-mple",
      "@",
      "https://t.me/",
      "https://t.me",
      "https://t.me/c/1234567/89",
      "https://t.me/Example_Channel/abc",
      "https://t.me/Example_Channel/1/2",
      "https://t.me/joinchat",
      "https://t.me/addstickers/Animals",
      "https://t.me/share/url?url=x",
      "https://example.com/Example_Channel",
      "https://t.me.evil.example/Example_Channel",
      "https://evil.example/t.me/Example_Channel",
      "Example_Channel.t.me",
      "tg://resolve?domain=Example_Channel",
      "ftp://t.me/Example_Channel",
    ];
    for (const value of refused) {
      // Act
      const result = telegram.validate(value);
      // Assess
      expect(result, value).toMatchObject({ ok: false, code: "ERR_INDICATOR_FORMAT" });
    }
  });
});

describe("telegram: invite links", () => {
  it("reads +HASH and joinchat links as +HASH, keeping the hash's case", () => {
    // Prepare
    const cases: [string, string][] = [
      ["https://t.me/+AbCdEf_12-3", "+AbCdEf_12-3"],
      ["t.me/+AbCdEf_12-3?x=1", "+AbCdEf_12-3"],
      ["https://t.me/joinchat/AAAAAEHbEkejzxUjAUCzYg", "+AAAAAEHbEkejzxUjAUCzYg"],
      ["telegram.me/joinchat/AAAAAEHbEkejzxUjAUCzYg/", "+AAAAAEHbEkejzxUjAUCzYg"],
      ["+AbCdEf_12-3", "+AbCdEf_12-3"],
    ];
    for (const [value, normal] of cases) {
      // Act
      const result = telegram.validate(value);
      // Assess
      expect(result, value).toEqual({ ok: true, value: normal });
    }
  });

  it("refuses phone-number links and malformed hashes", () => {
    // Prepare
    const refused = [
      "https://t.me/+12025550123",
      "https://t.me/+Ab$cdef",
      "https://t.me/+",
      "https://t.me/joinchat/",
      `https://t.me/+${"a".repeat(65)}`,
    ];
    for (const value of refused) {
      // Act
      const result = telegram.validate(value);
      // Assess
      expect(result, value).toMatchObject({ ok: false, code: "ERR_INDICATOR_FORMAT" });
    }
  });
});

describe("telegram: bounds", () => {
  it("refuses absurdly long input", () => {
    // Act
    const result = telegram.validate(`https://t.me/abcde?${"x".repeat(1000)}`);
    // Assess
    expect(result).toMatchObject({ ok: false, code: "ERR_INDICATOR_TOO_LONG" });
  });

  it("normalise throws at /value", () => {
    // Act
    const act = () => telegram.normalise("abc");
    // Assess
    expect(act).toThrowError(
      expect.objectContaining({ code: "ERR_INDICATOR_FORMAT", pointer: "/value" }),
    );
  });
});
