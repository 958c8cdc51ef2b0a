/**
 * Rate-limit buckets on the real store (embedded DynamoDB): exact under races between
 * processes, one conditional write per request, none for a refusal a process can
 * prove on its own (DESIGN §15).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { HubDynamo } from "../../local/dynamo.js";
import { toleranceMs } from "../../shared/ratelimits/gcra.js";
import { classPolicy } from "../../shared/ratelimits/types.js";
import { createDynamoStore } from "../../shared/store/dynamo/store.js";
import type { Store } from "../../shared/store/types.js";
import { countDynamoRequests, type RequestCounter } from "../helpers/dynamo-requests.js";
import { startTestTable } from "../helpers/test-tables.js";

describe("rate-limit buckets in the table", () => {
  let dynamo: HubDynamo;
  let counter: RequestCounter;
  let scope = 0;
  const policy = classPolicy("publish", 10);
  const bucket = { intervalMs: policy.intervalMs, toleranceMs: toleranceMs(policy) };
  /** A process of its own: what it knows of a bucket is its own. */
  const process = (): Store => createDynamoStore(dynamo.client, dynamo.tableName);

  beforeAll(async () => {
    dynamo = await startTestTable();
    counter = countDynamoRequests(dynamo.client);
  });
  afterAll(async () => {
    await dynamo.stop();
  });
  beforeEach(() => {
    scope += 1;
    counter.reset();
  });

  it("admits exactly a bucket's capacity when four processes race for it", async () => {
    const processes = [process(), process(), process(), process()];
    const now = Date.now();
    const outcomes = await Promise.all(
      Array.from({ length: 80 }, (_, i) =>
        (processes[i % 4] as Store).rateLimits.take(`race-${scope}`, bucket, now),
      ),
    );
    expect(outcomes.filter((o) => o.admitted)).toHaveLength(policy.capacity);
  });

  it("costs one write per admitted request, and none for a refusal a process can prove", async () => {
    const store = process();
    const now = Date.now();
    for (let i = 0; i < policy.capacity; i += 1) {
      expect((await store.rateLimits.take(`solo-${scope}`, bucket, now)).admitted).toBe(true);
    }
    expect(counter.total()).toBe(policy.capacity);
    counter.reset();
    // This process emptied the bucket itself: it knows, and asks nobody.
    for (let i = 0; i < 50; i += 1) {
      expect((await store.rateLimits.take(`solo-${scope}`, bucket, now + 10)).admitted).toBe(false);
    }
    expect(counter.total()).toBe(0);
    // Another process learns it from its first refusal: DynamoDB hands the TAT back with
    // the failed condition; the embedded server does not, which costs a write per refusal.
    const other = process();
    expect((await other.rateLimits.take(`solo-${scope}`, bucket, now + 10)).admitted).toBe(false);
    expect(counter.total()).toBeLessThanOrEqual(2);
    counter.reset();
    expect((await other.rateLimits.take(`solo-${scope}`, bucket, now + 20)).admitted).toBe(false);
    expect(counter.total()).toBeLessThanOrEqual(1);
    // A unit comes back one interval later.
    expect((await store.rateLimits.take(`solo-${scope}`, bucket, now + 100)).admitted).toBe(true);
  });

  it("starts a full bucket again once it has refilled, whatever a process remembered", async () => {
    const first = process();
    const second = process();
    const now = Date.now();
    await first.rateLimits.take(`refill-${scope}`, bucket, now);
    counter.reset();
    const later = await second.rateLimits.take(`refill-${scope}`, bucket, now + 60_000);
    expect(later.admitted).toBe(true);
    expect(counter.total()).toBe(1);
  });
});
