/**
 * Fills a hub with generated bulletins of every chain, indicator type and exportable
 * TLP (tests/interop/arbitraries.ts), from three publishers, some revoked and some
 * superseded, for the TAXII and MISP tests and the OASIS tools' runs.
 *
 *   npx tsx tests/interop/seed-hub.ts [COUNT=60] [SEED=1]
 *
 * run alone, it starts a local test hub on a free port, seeds it, creates a feed token
 * for a reader organisation, prints how to reach it, and serves until interrupted.
 */
import fc from "fast-check";
import type { BulletinPayload } from "../../shared/bulletins/schema.js";
import { publish } from "../helpers/bulletins.js";
import { startTestHub, type TestHub, type TestOrg } from "../helpers/hub.js";
import { payloadArbitrary } from "./arbitraries.js";

export interface SeededHub {
  publishers: Map<string, TestOrg>;
  /** Sees clear, green and amber bulletins sent to `central-banks`; no amber+strict. */
  reader: TestOrg;
  published: BulletinPayload[];
  revoked: string[];
  superseded: string[];
}

export const PUBLISHERS = ["trm", "binance", "nbt-fmd"] as const;

export async function seedHub(t: TestHub, count: number, seed: number): Promise<SeededHub> {
  const publishers = new Map<string, TestOrg>();
  for (const id of PUBLISHERS) {
    publishers.set(id, await t.onboard(id, { groups: id === "nbt-fmd" ? ["central-banks"] : [] }));
  }
  const reader = await t.onboard("reader", {
    roles: ["subscribe", "screen"],
    groups: ["central-banks"],
  });
  const drafts = fc.sample(
    fc.record({
      payload: payloadArbitrary(),
      fate: fc.constantFrom("active", "active", "revoked", "superseded"),
    }),
    { numRuns: count, seed },
  );
  const seeded: SeededHub = { publishers, reader, published: [], revoked: [], superseded: [] };
  for (const { payload: draft, fate } of drafts) {
    const payload: BulletinPayload = { ...draft, supersedes: null };
    const org = publishers.get(payload.issuer) as TestOrg;
    const answer = await publish(org, payload);
    if (answer.status !== 201) throw new Error(`seed publish: ${answer.status} ${answer.text}`);
    seeded.published.push(payload);
    if (fate === "revoked") {
      const revoked = await org.client.raw("POST", `/v1/bulletins/${payload.id}/revoke`, {
        body: { reason: "withdrawn by the seed" },
      });
      if (revoked.status !== 200) throw new Error(`seed revoke: ${revoked.status}`);
      seeded.revoked.push(payload.id);
    } else if (fate === "superseded") {
      const next: BulletinPayload = {
        ...fc.sample(payloadArbitrary({ tlps: [payload.tlp] }), { numRuns: 1, seed: seed + 1 })[0],
        issuer: payload.issuer,
        supersedes: payload.id,
        indicators: [...payload.indicators.slice(0, 1), ...payload.indicators.slice(1)],
      } as BulletinPayload;
      const successor = { ...next, id: nextUlid(payload.id), audience: payload.audience };
      if (successor.audience === undefined) delete successor.audience;
      const answered = await publish(org, successor);
      if (answered.status !== 201)
        throw new Error(`seed supersede: ${answered.status} ${answered.text}`);
      seeded.published.push(successor);
      seeded.superseded.push(payload.id);
    }
  }
  return seeded;
}

/** Another id from the same millisecond: enough for a successor's own id. */
function nextUlid(id: string): string {
  const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  const chars = id.split("");
  // Change a character the canonical id keeps (canonical-id.ts clears bits of chars 10, 13, 23–25).
  const at = 20;
  chars[at] = alphabet[(alphabet.indexOf(chars[at] as string) + 7) % 32] as string;
  return chars.join("");
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? "60");
  const seed = Number(process.argv[3] ?? "1");
  const t = await startTestHub();
  const seeded = await seedHub(t, count, seed);
  const created = await seeded.reader.client.raw("POST", "/v1/feed-tokens", {
    body: { name: "oasis-tools" },
  });
  const token = created.body as { id: string; token: string };
  process.stdout.write(
    `${JSON.stringify({ url: t.hub.url, token: token.token, id: token.id, published: seeded.published.length, revoked: seeded.revoked.length, superseded: seeded.superseded.length })}\n`,
  );
  const stop = async () => {
    await t.stop();
    process.exit(0);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

if (process.argv[1]?.endsWith("seed-hub.ts")) {
  await main();
}
