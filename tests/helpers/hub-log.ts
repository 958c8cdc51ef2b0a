/** Reading a local hub's transparency log in tests, as an organisation would. */
import { TransparencyLog, type VerifiedCheckpoint } from "../../cli/sdk/log.js";
import type { TestOrg } from "./hub.js";

/** The hub's log, read with requests signed as `org`. */
export function logOf(org: TestOrg): TransparencyLog {
  return new TransparencyLog({ url: org.client.baseUrl, fetch: org.client.signingFetch() });
}

/** Polls the checkpoint until its tree holds at least `size` leaves. */
export async function waitForCheckpoint(
  log: TransparencyLog,
  key: string,
  size: number,
  timeoutMs = 20_000,
): Promise<VerifiedCheckpoint> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const checkpoint = await log.latestCheckpoint(key);
    if (checkpoint.size >= size) return checkpoint;
    if (Date.now() > deadline) {
      throw new Error(
        `the checkpoint stayed at ${checkpoint.size}, not ${size}, for ${timeoutMs} ms`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
