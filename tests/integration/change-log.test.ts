/**
 * The change log on the real embedded DynamoDB (shared/store/dynamo/changes.ts): the
 * sequence claim keeps the log gapless and exactly-once with `at` increasing under
 * many concurrent drivers, and a change still completes when the indicator head it
 * must update is at DynamoDB's 400 KB item limit.
 */

import { DynamoDBDocumentClient, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { summariseIndicators } from "../../shared/bulletins/indicators-of.js";
import { nextInstant, parseMicros } from "../../shared/changes/instants.js";
import { advance } from "../../shared/changes/protocol.js";
import type { LoggedChange } from "../../shared/changes/types.js";
import { signChangeReceipt } from "../../shared/signatures/receipt.js";
import { key } from "../../shared/store/dynamo/keys.js";
import { bulletinPayload, publish, randomEvmAddress } from "../helpers/bulletins.js";
import { startTestHub, type TestHub, type TestOrg } from "../helpers/hub.js";

let hub: TestHub;
let trm: TestOrg;

beforeAll(async () => {
  hub = await startTestHub();
  trm = await hub.onboard("trm", { roles: ["publish", "subscribe", "screen"] });
});
afterAll(() => hub.stop());

async function wholeLog(): Promise<LoggedChange[]> {
  const all: LoggedChange[] = [];
  for (;;) {
    const page = await hub.hub.deps.store.changes.changesAfter(all.at(-1)?.seq ?? -1, 100);
    all.push(...page);
    if (page.length < 100) return all;
  }
}

describe("the change log on DynamoDB", () => {
  it("is gapless from 0, logs each change once and orders `at` with `seq`, under concurrent drivers", async () => {
    const deps = hub.hub.deps;
    const published = await Promise.all(
      Array.from({ length: 24 }, async () => {
        const payload = bulletinPayload("trm", {
          indicators: [{ type: "crypto_address", chain: "ethereum", address: randomEvmAddress() }],
        });
        expect((await publish(trm, payload)).status).toBe(201);
        return payload.id;
      }),
    );
    // Revoke half of them while other drivers re-drive every bulletin at the same time.
    await Promise.all([
      ...published.slice(0, 12).map(async (id) => {
        const answer = await trm.client.raw("POST", `/v1/bulletins/${id}/revoke`, {
          body: { reason: "test" },
        });
        expect(answer.status).toBe(200);
      }),
      ...published.flatMap((id) => [advance(deps, id), advance(deps, id)]),
    ]);
    await Promise.all(published.map((id) => advance(deps, id)));

    const log = await wholeLog();
    expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i));
    const changes = log.map((e) => `${e.bulletin_id}:${e.kind}`);
    expect(new Set(changes).size).toBe(changes.length);
    for (const id of published) expect(changes).toContain(`${id}:published`);
    for (const id of published.slice(0, 12)) {
      expect(changes.indexOf(`${id}:revoked`)).toBeGreaterThan(changes.indexOf(`${id}:published`));
    }
    for (let i = 1; i < log.length; i += 1) {
      expect(parseMicros(log[i]?.at ?? "")).toBeGreaterThan(parseMicros(log[i - 1]?.at ?? ""));
    }
    // Every bulletin's recorded change is the one the log holds at that place.
    const records = await deps.store.changes.bulletins(published);
    for (const entry of log.filter((e) => published.includes(e.bulletin_id))) {
      expect(records.get(entry.bulletin_id)?.changes[entry.kind]).toMatchObject({
        seq: entry.seq,
        at: entry.at,
        receipt: entry.receipt,
      });
    }
  });

  it("moves a claim whose driver died before logging it, once another change took its place", async () => {
    const deps = hub.hub.deps;
    const payload = bulletinPayload("trm");
    expect((await publish(trm, payload)).status).toBe(201);
    const revokedAt = new Date().toISOString();
    // Due much later, so the sweeper leaves it to this test.
    const due = new Date(Date.now() + 3_600_000).toISOString();
    const revocation = { reason: "r", revoked_at: revokedAt };
    expect(await deps.store.changes.commitRevocation(payload.id, "trm", revocation, due)).toBe(
      true,
    );
    // A driver claims the next place for the revocation, then dies before its log entry.
    const last = await deps.store.changes.lastChange();
    const tail = last?.seq ?? -1;
    const at = nextInstant(new Date(), last?.at);
    const receipt = await signChangeReceipt(
      { id: payload.id, issuer: "trm", kind: "revoked", seq: tail + 1, at },
      deps.hubKeys.current,
    );
    const documents = DynamoDBDocumentClient.from(hub.hub.dynamoClient);
    await documents.send(
      new UpdateCommand({
        TableName: hub.hub.table.name,
        Key: key.bulletin(payload.id),
        UpdateExpression:
          "SET changes.revoked.seq = :seq, changes.revoked.#at = :at, changes.revoked.receipt = :r",
        ExpressionAttributeNames: { "#at": "at" },
        ExpressionAttributeValues: { ":seq": tail + 1, ":at": at, ":r": receipt },
      }),
    );
    // Another change takes that place; then the revocation is driven again.
    const other = bulletinPayload("trm");
    expect((await publish(trm, other)).status).toBe(201);
    await advance(deps, payload.id);
    const log = await wholeLog();
    const revocations = log.filter((e) => e.bulletin_id === payload.id && e.kind === "revoked");
    expect(revocations).toHaveLength(1);
    expect(log.find((e) => e.seq === tail + 1)?.bulletin_id).toBe(other.id);
    expect(revocations[0]?.seq).toBeGreaterThan(tail + 1);
    const record = await deps.store.changes.bulletin(payload.id);
    expect(record?.changes.revoked).toMatchObject({ seq: revocations[0]?.seq, logged: true });
  });

  it("completes a revocation whose indicator head is at the 400 KB item limit", async () => {
    const address = randomEvmAddress();
    const payload = bulletinPayload("trm", {
      indicators: [{ type: "crypto_address", chain: "ethereum", address }],
    });
    expect((await publish(trm, payload)).status).toBe(201);
    const [indicator] = summariseIndicators(payload).normalised;
    const documents = DynamoDBDocumentClient.from(hub.hub.dynamoClient);
    // Fill the head to within a few bytes of the limit with an attribute of its own.
    const fill = async (bytes: number) => {
      try {
        await documents.send(
          new UpdateCommand({
            TableName: hub.hub.table.name,
            Key: key.indicatorHead(indicator ?? ""),
            UpdateExpression: "SET filler = :f",
            ExpressionAttributeValues: { ":f": "x".repeat(bytes) },
          }),
        );
        return true;
      } catch {
        return false;
      }
    };
    let [fits, tooLarge] = [390_000, 410_000];
    while (tooLarge - fits > 8) {
      const middle = Math.floor((fits + tooLarge) / 2);
      if (await fill(middle)) fits = middle;
      else tooLarge = middle;
    }
    expect(await fill(fits)).toBe(true);
    expect(await fill(fits + 16)).toBe(false);
    const revoked = await trm.client.raw("POST", `/v1/bulletins/${payload.id}/revoke`, {
      body: { reason: "a head at the limit" },
    });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ status: "revoked", change: { kind: "revoked" } });
    const record = await hub.hub.deps.store.changes.bulletin(payload.id);
    expect(record?.changes.revoked).toMatchObject({ indexed: true });
    const screened = await trm.client.raw("POST", "/v1/screen", {
      body: { indicators: [{ type: "crypto_address", chain: "ethereum", address }] },
    });
    expect(screened.body).toMatchObject({ results: [{ match_count: 0 }] });
  });
});
