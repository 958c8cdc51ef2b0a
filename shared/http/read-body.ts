/**
 * Reading a Node HTTP request's body with a limit, holding no more than the limit plus
 * the one chunk that crosses it: past the limit the bytes are no longer kept but still
 * read and dropped, so that the answer reaches a client that is still sending.
 */
import type { Readable } from "node:stream";

export type BodyRead =
  | { complete: true; bytes: Buffer }
  /** The body passed `maxBytes`; `receivedBytes` (more than the limit) had arrived by then. */
  | { complete: false; receivedBytes: number };

/**
 * Reads the body, or stops keeping it at the first chunk past `maxBytes`. The request
 * is then left flowing with nothing listening, so Node drops the rest as it arrives and
 * a keep-alive connection stays usable; a caller that wants less than the whole rest
 * read stops it itself.
 */
export function readBodyWithin(request: Readable, maxBytes: number): Promise<BodyRead> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      detach();
      chunks.length = 0;
      request.resume();
      resolve({ complete: false, receivedBytes: size });
    };
    const onEnd = () => {
      detach();
      resolve({ complete: true, bytes: Buffer.concat(chunks, size) });
    };
    const onError = (error: Error) => {
      detach();
      reject(error);
    };
    const onClose = () => onError(new Error("the request closed before its body ended"));
    const detach = () => {
      request.off("data", onData);
      request.off("end", onEnd);
      request.off("error", onError);
      request.off("close", onClose);
    };
    request.on("data", onData);
    request.on("end", onEnd);
    request.on("error", onError);
    request.on("close", onClose);
  });
}

/** The whole body, or undefined once it passes `maxBytes` (the rest is read and dropped). */
export async function readBodyUpTo(
  request: Readable,
  maxBytes: number,
): Promise<Buffer | undefined> {
  const read = await readBodyWithin(request, maxBytes);
  return read.complete ? read.bytes : undefined;
}
