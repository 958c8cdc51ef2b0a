/**
 * Issue 8, faults (c): a subscriber whose endpoint answers 410 Gone receives nothing
 * after it: no retry of what it refused, nothing published after the hub recorded the
 * 410, while a healthy subscriber beside it receives everything.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bulletinEventId } from "../../shared/events/registry.js";
import { webhookId } from "../../shared/webhooks/signing.js";
import { bulletinPayload, publish } from "../helpers/bulletins.js";
import { startTestHub, type TestHub, type TestOrg } from "../helpers/hub.js";
import {
  startWebhookEndpoint,
  type WebhookEndpoint,
  waitUntil,
} from "../helpers/webhook-endpoint.js";

describe("a subscriber that answers 410", () => {
  let t: TestHub;
  let trm: TestOrg;
  let gone: TestOrg;
  let steady: TestOrg;
  let goneEndpoint: WebhookEndpoint;
  let steadyEndpoint: WebhookEndpoint;
  let goneSubscription: string;
  let steadySubscription: string;

  beforeAll(async () => {
    t = await startTestHub();
    trm = await t.onboard("trm", { type: "forensics", roles: ["publish"] });
    gone = await t.onboard("gone", { roles: ["subscribe"] });
    steady = await t.onboard("steady", { roles: ["subscribe"] });
    // A retired endpoint keeps answering 410, to every request.
    goneEndpoint = await startWebhookEndpoint("gone", () => ({ kind: "answer", status: 410 }));
    steadyEndpoint = await startWebhookEndpoint("steady");
    const subscribe = async (org: TestOrg, endpoint: WebhookEndpoint) => {
      const created = await org.client.raw("POST", "/v1/subscriptions", {
        body: { url: endpoint.url, events: ["bulletin.published"] },
      });
      expect(created.status, created.text).toBe(201);
      return (created.body as { id: string }).id;
    };
    goneSubscription = await subscribe(gone, goneEndpoint);
    steadySubscription = await subscribe(steady, steadyEndpoint);
  });
  afterAll(async () => {
    await t.stop();
    await goneEndpoint.close();
    await steadyEndpoint.close();
  });

  it("is disabled by its first 410 and gets nothing more, while the others get everything", async () => {
    // Act: a burst, so that several attempts are in flight when the first 410 lands.
    const first = Array.from({ length: 12 }, () => bulletinPayload("trm"));
    await Promise.all(first.map((payload) => publish(trm, payload)));
    await waitUntil(async () => {
      const read = await gone.client.raw("GET", `/v1/subscriptions/${goneSubscription}`);
      return (read.body as { status: string }).status === "disabled";
    }, 15_000);
    const afterDisable = Array.from({ length: 8 }, () => bulletinPayload("trm"));
    await Promise.all(afterDisable.map((payload) => publish(trm, payload)));
    const all = [...first, ...afterDisable];
    await waitUntil(
      () => steadyEndpoint.delivered.size === all.length,
      20_000,
      () => `steady has ${steadyEndpoint.delivered.size} of ${all.length}`,
    );
    // Longer than the first retry (at once) and the second (5 s) would take.
    await new Promise((resolve) => setTimeout(resolve, 6_000));

    // Assess
    const laterIds = new Set(
      afterDisable.map((p) => webhookId(bulletinEventId(p.id, "published"), goneSubscription)),
    );
    const attempts = goneEndpoint.attempts;
    expect(attempts.length).toBeGreaterThan(0);
    expect(attempts.filter((a) => laterIds.has(a.webhookId))).toEqual([]);
    expect(attempts.filter((a) => a.attempt > 1)).toEqual([]);
    expect(goneEndpoint.delivered.size).toBe(0);
    const read = await gone.client.raw("GET", `/v1/subscriptions/${goneSubscription}`);
    expect(read.body).toMatchObject({
      status: "disabled",
      disabled_reason: expect.stringContaining("410"),
    });
    const deliveries = await gone.client.raw(
      "GET",
      `/v1/subscriptions/${goneSubscription}/deliveries?limit=100`,
    );
    const items = (deliveries.body as { items: { webhook_id: string; status: string }[] }).items;
    // Every delivery of the first burst is settled as cancelled; none waits for a retry.
    expect(items.map((d) => d.status).filter((status) => status !== "cancelled")).toEqual([]);
    expect(items.filter((d) => laterIds.has(d.webhook_id))).toEqual([]);
    const steadyIds = all.map((p) =>
      webhookId(bulletinEventId(p.id, "published"), steadySubscription),
    );
    expect([...steadyEndpoint.delivered.keys()].sort()).toEqual(steadyIds.sort());
    console.info(
      `[faults c] ${all.length} bulletins: the 410 subscriber took ${attempts.length} attempts ` +
        `(one per delivery in flight, all answered 410) and nothing after; the healthy one got all ${all.length}`,
    );
  }, 50_000);
});
