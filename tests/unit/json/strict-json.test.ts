import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  MAX_JSON_DEPTH,
  parseStrictJson,
  parseStrictJsonBytes,
  toPointer,
} from "../../../shared/json/strict-json.js";

describe("parseStrictJson", () => {
  it("accepts what JSON.parse accepts when names are unique", () => {
    // Prepare
    const text = '{"a":1,"b":{"a":[{"a":2},{"a":3}]},"c":"x\\"y"}';
    // Act
    const result = parseStrictJson(text);
    // Assess
    expect(result).toEqual({ ok: true, value: JSON.parse(text) });
  });

  it("refuses a duplicate member name and points at it", () => {
    const result = parseStrictJson('{"a":{"b":1,"c":[{"d":1,"d":2}]}}');
    expect(result).toMatchObject({ ok: false, kind: "duplicate", pointer: "/a/c/0/d" });
  });

  it("treats escaped and plain spellings of one name as the same name", () => {
    const result = parseStrictJson('{"iss":"a","\\u0069ss":"b"}');
    expect(result).toMatchObject({ ok: false, kind: "duplicate", pointer: "/iss" });
  });

  it("allows the same name in sibling objects", () => {
    expect(parseStrictJson('[{"a":1},{"a":1}]').ok).toBe(true);
  });

  it("does not mistake a string value that looks like a key for a key", () => {
    expect(parseStrictJson('{"a":"b","b":"a","c":["a","a"]}').ok).toBe(true);
  });

  it("refuses unpaired surrogates but keeps pairs", () => {
    expect(parseStrictJson('{"a":"\\ud800"}')).toMatchObject({
      ok: false,
      kind: "surrogate",
      pointer: "/a",
    });
    expect(parseStrictJson('{"a":"\\ud83d\\ude00"}').ok).toBe(true);
  });

  it("refuses syntax errors, bad UTF-8 and a BOM", () => {
    expect(parseStrictJson("{").ok).toBe(false);
    expect(parseStrictJsonBytes(new Uint8Array([0x22, 0xff, 0x22]))).toMatchObject({
      kind: "encoding",
    });
    expect(parseStrictJsonBytes(new TextEncoder().encode('\ufeff{"a":1}'))).toMatchObject({
      kind: "encoding",
    });
  });

  it("escapes pointer tokens", () => {
    expect(toPointer(["a/b", "c~d", 3])).toBe("/a~1b/c~0d/3");
  });

  it("agrees with JSON.parse on every document without duplicates (property)", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value);
        const result = parseStrictJson(text);
        // JSON.stringify never writes duplicate names; lone surrogates are the one refusal.
        if (result.ok) expect(result.value).toEqual(JSON.parse(text));
        else expect(result.kind).toBe("surrogate");
      }),
    );
  });

  it("finds a duplicate injected anywhere in an object (property)", () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.jsonValue(), { minKeys: 1 }),
        fc.nat(),
        (dict, pick) => {
          const keys = Object.keys(dict);
          const dup = keys[pick % keys.length] ?? "";
          const text = `${JSON.stringify(dict).slice(0, -1)},${JSON.stringify(dup)}:null}`;
          const result = parseStrictJson(text);
          expect(result.ok).toBe(false);
        },
      ),
    );
  });

  it("accepts nesting to the limit and refuses one level more", () => {
    const nested = (depth: number) => `${"[".repeat(depth)}1${"]".repeat(depth)}`;
    expect(parseStrictJson(nested(MAX_JSON_DEPTH)).ok).toBe(true);
    const deeper = parseStrictJson(`{"a":${nested(MAX_JSON_DEPTH)}}`);
    expect(deeper).toMatchObject({ ok: false, kind: "depth" });
    expect(parseStrictJson(nested(100_000))).toMatchObject({ ok: false, kind: "depth" });
  });
});
