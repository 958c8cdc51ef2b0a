/**
 * Reading a body with a limit holds at most the limit plus the chunk that crosses it,
 * however much the client goes on sending, and drops the rest instead of stopping the
 * stream (so the answer can reach the client).
 */
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { readBodyUpTo, readBodyWithin } from "../../../shared/http/read-body.js";

const CHUNK = 16 * 1024;

/** An endless body, one chunk per read as a socket gives them, counting what was pulled. */
function endlessBody(): { stream: Readable; pulled: () => number } {
  let pulled = 0;
  const stream = new Readable({
    highWaterMark: CHUNK,
    read() {
      setImmediate(() => {
        pulled += CHUNK;
        this.push(Buffer.alloc(CHUNK, 0x61));
      });
    },
  });
  return { stream, pulled: () => pulled };
}

describe("readBodyWithin", () => {
  it("stops keeping an endless body at the first chunk past the limit", async () => {
    const { stream, pulled } = endlessBody();
    const limit = 256 * 1024 + 1;
    const read = await readBodyWithin(stream, limit);
    // Assess: what arrived by then is the limit rounded up to the next chunk, no more.
    expect(read).toEqual({ complete: false, receivedBytes: limit - 1 + CHUNK });
    expect(pulled()).toBeLessThanOrEqual(limit + 2 * CHUNK);
    // The stream is left flowing: the rest is pulled and dropped, not paused.
    const before = pulled();
    await new Promise((resolve) => setImmediate(resolve));
    expect(pulled()).toBeGreaterThan(before);
    stream.destroy();
  });

  it("answers the whole body when it is exactly the limit", async () => {
    const body = Buffer.alloc(3 * CHUNK, 0x62);
    const read = await readBodyWithin(
      Readable.from([body.subarray(0, CHUNK), body.subarray(CHUNK)]),
      body.length,
    );
    expect(read).toEqual({ complete: true, bytes: body });
    expect(await readBodyUpTo(Readable.from([body]), body.length - 1)).toBeUndefined();
  });

  it("rejects a body whose stream closes before it ends", async () => {
    const stream = new Readable({ read() {} });
    const reading = readBodyWithin(stream, 1024);
    stream.push(Buffer.from("{"));
    stream.destroy();
    await expect(reading).rejects.toThrow(/closed before its body ended/);
  });
});
