/** Captured webhook requests as files: written by `listen --save`, read by `verify-webhook`. */
import { describe, expect, it } from "vitest";
import { formatHttpMessage, parseHttpMessage } from "../../../cli/http-message.js";
import { InputError } from "../../../cli/sdk/errors.js";

const BODY = '{"type":"ping","subscription_id":"s1","data":{"subscription_id":"s1"}}\n';

describe("captured webhook requests", () => {
  it("round-trips a request byte for byte, trailing newline in the body included", () => {
    // Prepare
    const request = {
      method: "POST",
      path: "/hook",
      headers: {
        "webhook-id": "msg_1",
        "webhook-timestamp": "1700000000",
        "webhook-signature": "v1,abc v1a,def",
      },
      body: Buffer.from(BODY),
    };
    // Act
    const parsed = parseHttpMessage(formatHttpMessage(request));
    // Assess
    expect(parsed.method).toBe("POST");
    expect(parsed.path).toBe("/hook");
    expect(parsed.headers).toMatchObject(request.headers);
    expect(parsed.body.equals(request.body)).toBe(true);
  });

  it("reads a hand-made file without request line or content-length, dropping the editor's final newline", () => {
    const parsed = parseHttpMessage(
      Buffer.from('Webhook-Id: msg_2\nwebhook-timestamp: 1\nwebhook-signature: v1,x\n\n{"a":1}\n'),
    );
    expect(parsed.headers["webhook-id"]).toBe("msg_2");
    expect(parsed.body.toString()).toBe('{"a":1}');
  });

  it("reads the JSON form", () => {
    const parsed = parseHttpMessage(
      Buffer.from(JSON.stringify({ headers: { "Webhook-Id": "m" }, body: BODY })),
    );
    expect(parsed.headers["webhook-id"]).toBe("m");
    expect(parsed.body.toString()).toBe(BODY);
  });

  it("refuses a file without the blank line between headers and body", () => {
    expect(() => parseHttpMessage(Buffer.from("webhook-id: x"))).toThrow(InputError);
  });
});
