import { describe, expect, it } from "vitest";
import * as channel from "../../../shared/indicators/channel.js";

function expectNormal(platform: string, cases: [string, string][]): void {
  for (const [value, normal] of cases) {
    // Act
    const result = channel.validate(value, platform);
    // Assess
    expect(result, `${platform}: ${value}`).toEqual({ ok: true, value: normal });
  }
}

function expectRefused(platform: string, values: string[], code = "ERR_INDICATOR_FORMAT"): void {
  for (const value of values) {
    // Act
    const result = channel.validate(value, platform);
    // Assess
    expect(result, `${platform}: ${value}`).toMatchObject({ ok: false, code });
  }
}

describe("channel: platform", () => {
  it("lower-cases the platform name", () => {
    // Act
    const result = channel.validatePlatform("Signal");
    // Assess
    expect(result).toEqual({ ok: true, value: "signal" });
  });

  it("refuses empty, malformed, look-alike, over-long and chain names", () => {
    // Prepare
    const refused: [string, string][] = [
      ["", "ERR_INDICATOR_FORMAT"],
      ["-x", "ERR_INDICATOR_FORMAT"],
      ["my platform", "ERR_INDICATOR_FORMAT"],
      ["\u212Aik", "ERR_INDICATOR_FORMAT"],
      ["a".repeat(33), "ERR_INDICATOR_TOO_LONG"],
      ["Ethereum", "ERR_INDICATOR_FORMAT"],
      ["bitcoin", "ERR_INDICATOR_FORMAT"],
    ];
    for (const [platform, code] of refused) {
      // Act
      const result = channel.validatePlatform(platform);
      // Assess
      expect(result, platform).toMatchObject({ ok: false, code });
    }
  });
});

describe("channel: x", () => {
  it("reads handles and profile links as the lower-cased handle", () => {
    expectNormal("x", [
      ["@Example", "example"],
      ["Example_1", "example_1"],
      ["https://x.com/Example", "example"],
      ["http://twitter.com/Example/", "example"],
      ["twitter.com/Example", "example"],
      ["https://www.twitter.com/Example?s=20", "example"],
      ["  @Example  ", "example"],
    ]);
  });

  it("refuses what is not a handle", () => {
    expectRefused("x", [
      "@",
      "@exa-mple",
      "a".repeat(16),
      "https://x.com/Example/status/1",
      "https://example.com/Example",
      "exa mple",
    ]);
  });
});

describe("channel: discord", () => {
  it("lower-cases handles and keeps anything else as given", () => {
    expectNormal("discord", [
      ["@Some.User_1", "some.user_1"],
      ["SomeUser", "someuser"],
      ["https://discord.gg/AbCdEf", "https://discord.gg/AbCdEf"],
      ["Legacy Name#1234", "Legacy Name#1234"],
    ]);
  });
});

describe("channel: email", () => {
  it("lower-cases addresses", () => {
    expectNormal("email", [
      ["Alice.Smith@Example.COM", "alice.smith@example.com"],
      [" bob+tag@mail.example.org ", "bob+tag@mail.example.org"],
    ]);
  });

  it("refuses what does not look like an address", () => {
    expectRefused("email", [
      "alice",
      "alice@localhost",
      "a@b@example.com",
      "@example.com",
      "alice@.com",
      "alice@example.",
      "alice smith@example.com",
      "mailto:alice@example.com",
    ]);
  });
});

describe("channel: website", () => {
  it("lower-cases scheme and host and keeps the rest byte for byte", () => {
    expectNormal("website", [
      ["HTTPS://Example.COM/Path/To?Q=A#Frag", "https://example.com/Path/To?Q=A#Frag"],
      ["http://EXAMPLE.com", "http://example.com"],
      ["https://Example.com:8443/A%2Fb", "https://example.com:8443/A%2Fb"],
      ["https://User:Pw@Example.COM/x", "https://User:Pw@example.com/x"],
      ["https://example.com/ünïcode", "https://example.com/ünïcode"],
      ["https://[2001:DB8::1]/x", "https://[2001:db8::1]/x"],
    ]);
  });

  it("refuses what is not an absolute http(s) URL", () => {
    expectRefused("website", [
      "example.com",
      "ftp://example.com/",
      "https://",
      "https:example.com",
      "https://exa mple.com/",
      "javascript:alert(1)",
      "https://a\\b@example.com/",
      "https://example.com/a b",
    ]);
  });
});

describe("channel: telegram and other platforms", () => {
  it("normalises the telegram platform like a telegram_channel", () => {
    expectNormal("Telegram", [
      ["https://t.me/Example_Channel", "example_channel"],
      ["t.me/+AbCdEf123", "+AbCdEf123"],
    ]);
    expectRefused("telegram", ["abc"]);
  });

  it("keeps other platforms' values as given, trimmed", () => {
    expectNormal("signal", [["  Some Group Link  ", "Some Group Link"]]);
  });

  it("refuses empty and absurdly long values", () => {
    expectRefused("signal", ["   "]);
    expectRefused("signal", ["x".repeat(513)], "ERR_INDICATOR_TOO_LONG");
  });

  it("normalise names the bad member", () => {
    // Act
    const badPlatform = () => channel.normalise("x", "-bad");
    const badValue = () => channel.normalise("not an address", "email");
    // Assess
    expect(badPlatform).toThrowError(expect.objectContaining({ pointer: "/platform" }));
    expect(badValue).toThrowError(expect.objectContaining({ pointer: "/value" }));
  });
});
