/** Reading a Node HTTP request's body, with a limit. */
import type { IncomingMessage } from "node:http";

/** The whole body, or undefined once it passes `maxBytes` (the rest is not kept). */
export async function readBodyUpTo(
  request: IncomingMessage,
  maxBytes: number,
): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const bytes = chunk as Buffer;
    size += bytes.length;
    if (size > maxBytes) return undefined;
    chunks.push(bytes);
  }
  return Buffer.concat(chunks);
}
