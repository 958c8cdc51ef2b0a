/**
 * A hostile partner in a process of its own (issue 13), so that its own work —
 * signing every request — costs neither the hub nor the victim measured beside it.
 * Run by tests/abuse/harness.ts with the attack as JSON in ABUSE_ATTACK; floods until
 * its stdin closes ("pause" and "resume" lines hold it back meanwhile), then prints what
 * the hub answered, by status, as one JSON line.
 * Not a script to start by hand.
 */
import { Transport } from "../../cli/sdk/transport.js";
import { signBulletin } from "../../shared/signatures/bulletin-jws.js";
import { parsePrivateJwk } from "../../shared/signatures/keys.js";
import type { PrivateJwk } from "../../shared/signatures/types.js";
import { bulletinPayload, randomEvmAddress } from "../helpers/bulletins.js";

export interface Attack {
  hubUrl: string;
  orgId: string;
  /** The organisation's private JWK. */
  key: PrivateJwk;
  kind: "read" | "screen" | "ping" | "sighting" | "publish";
  /** Requests in flight at once. */
  concurrency: number;
  /**
   * Requests a second at most, over all of them: the attacks of issue 13 ran at about
   * 60 (pings) and 180 (912 requests in 5 s) a second. Unpaced, the attacker would only
   * measure how much of this machine's CPU it can take from the hub.
   */
  ratePerSecond: number;
  /** `ping`: the subscriptions to ping; `sighting`: the bulletin to report on. */
  targets?: string[];
}

const attack = JSON.parse(process.env.ABUSE_ATTACK ?? "{}") as Attack;
const key = parsePrivateJwk(attack.key);
const client = new Transport({ baseUrl: attack.hubUrl, orgId: attack.orgId, key, retries: 1 });

const screenBody = {
  indicators: Array.from({ length: 1000 }, () => ({
    type: "crypto_address",
    chain: "ethereum",
    address: randomEvmAddress(),
  })),
};

let running = true;
/** While paused, no new request starts ("pause" and "resume" lines on stdin). */
let resume: Promise<void> | undefined;
let wake: () => void = () => {};
let turn = 0;
const statuses: Record<string, number> = {};

async function once(): Promise<void> {
  turn += 1;
  const targets = attack.targets ?? [];
  const target = targets[turn % Math.max(1, targets.length)] ?? "";
  const response = await (() => {
    switch (attack.kind) {
      case "read":
        return client.raw("GET", "/v1/me");
      case "screen":
        return client.raw("POST", "/v1/screen", { body: screenBody });
      case "ping":
        return client.raw("POST", `/v1/subscriptions/${target}/test`);
      case "publish":
        return signBulletin(bulletinPayload(attack.orgId), key).then((jws) =>
          client.raw("POST", "/v1/bulletins", { body: { jws } }),
        );
      case "sighting":
        return client.raw("POST", "/v1/sightings", {
          body: {
            bulletin_id: target,
            indicator: { type: "telegram_channel", value: "https://t.me/example_channel" },
            note: "x".repeat(1024),
          },
        });
    }
  })();
  statuses[response.status] = (statuses[response.status] ?? 0) + 1;
}

/** The pace restarts after a pause: no burst to catch up. */
let began = Date.now();
let started = 0;
const workers = Array.from({ length: attack.concurrency }, async () => {
  while (running) {
    if (resume !== undefined) await resume;
    // The n-th request starts no earlier than n / rate seconds after the first.
    const due = began + (started * 1000) / attack.ratePerSecond;
    started += 1;
    if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
    if (!running) return;
    try {
      await once();
    } catch {
      statuses.error = (statuses.error ?? 0) + 1;
    }
  }
});

process.stdin.setEncoding("utf8");
process.stdin.on("data", (text: string) => {
  for (const command of text.split("\n")) {
    if (command === "pause" && resume === undefined) {
      resume = new Promise((resolve) => {
        wake = resolve;
      });
    } else if (command === "resume" && resume !== undefined) {
      resume = undefined;
      began = Date.now();
      started = 0;
      wake();
    }
  }
});
process.stdin.on("end", () => {
  running = false;
  resume = undefined;
  wake();
});
process.stdout.write("attacking\n");
await Promise.all(workers);
process.stdout.write(`${JSON.stringify(statuses)}\n`);
process.exit(0);
