/**
 * DESIGN §10, last rule: the decisions that govern recipients, fan-out targets and the
 * last admin read strongly consistent data, never a global secondary index. Each test
 * races a change against the decision that must see it. On the embedded DynamoDB the
 * indexes keep up at once, so these pass either way; `npm run test:lagging-index`
 * runs them with every index query answering from a state some ms old, as on AWS.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bulletinPayload, publish, randomEvmAddress } from "../helpers/bulletins.js";
import { startTestHub, type TestHub, type TestOrg } from "../helpers/hub.js";
import { type Receiver, startReceiver } from "../helpers/receiver.js";

describe("decisions made right after the change they depend on", () => {
  let t: TestHub;
  let issuer: TestOrg;
  const receivers: Receiver[] = [];

  beforeAll(async () => {
    t = await startTestHub();
    issuer = await t.onboard("issuer", { type: "forensics", roles: ["publish"] });
  });
  afterAll(async () => {
    await t.stop();
    await Promise.all(receivers.map((receiver) => receiver.close()));
  });

  const amberFor = (group: string) =>
    bulletinPayload("issuer", {
      tlp: "amber",
      audience: [`group:${group}`],
      indicators: [{ type: "crypto_address", chain: "ethereum", address: randomEvmAddress() }],
    });

  it("delivers a publish to a subscription made a moment before it", async () => {
    // Prepare
    const subscriber = await t.onboard("fresh-subscriber", { roles: ["subscribe"] });
    const receiver = await startReceiver();
    receivers.push(receiver);
    const subscribed = await subscriber.client.raw("POST", "/v1/subscriptions", {
      body: { url: receiver.url, events: ["bulletin.published"] },
    });
    expect(subscribed.status, subscribed.text).toBe(201);
    // Act
    const payload = bulletinPayload("issuer");
    expect((await publish(issuer, payload)).status).toBe(201);
    // Assess
    const hooks = await receiver.waitFor(
      (received) => received.some((hook) => hook.json.data.id === payload.id),
      20_000,
    );
    expect(hooks.filter((hook) => hook.json.data.id === payload.id)).toHaveLength(1);
  });

  it("leaves an organisation that has just left a group out of the group's bulletins", async () => {
    // Prepare
    const stayer = await t.onboard("stayer", { roles: ["screen"], groups: ["watchers"] });
    const leaver = await t.onboard("leaver", { roles: ["screen"], groups: ["watchers"] });
    await t.hub.indexesCaughtUp();
    const left = await t.admin.raw("PATCH", "/v1/admin/orgs/leaver", { body: { groups: [] } });
    expect(left.status, left.text).toBe(200);
    // Act
    const payload = amberFor("watchers");
    expect((await publish(issuer, payload)).status).toBe(201);
    // Assess
    expect((await stayer.client.raw("GET", `/v1/bulletins/${payload.id}`)).status).toBe(200);
    expect((await leaver.client.raw("GET", `/v1/bulletins/${payload.id}`)).status).toBe(404);
  });

  it("makes an organisation that has just joined a group one of the group's recipients", async () => {
    // Prepare
    const joiner = await t.onboard("joiner", { roles: ["screen"] });
    await t.hub.indexesCaughtUp();
    const joined = await t.admin.raw("PATCH", "/v1/admin/orgs/joiner", {
      body: { groups: ["latecomers"] },
    });
    expect(joined.status, joined.text).toBe(200);
    // Act
    const payload = amberFor("latecomers");
    expect((await publish(issuer, payload)).status).toBe(201);
    // Assess
    expect((await joiner.client.raw("GET", `/v1/bulletins/${payload.id}`)).status).toBe(200);
  });

  it("refuses to suspend the last active admin right after another admin was suspended", async () => {
    // Prepare
    const second = await t.onboard("second-admin", { type: "other", roles: ["admin"] });
    await t.hub.indexesCaughtUp();
    const suspended = await t.admin.raw("PATCH", `/v1/admin/orgs/${second.id}`, {
      body: { status: "suspended" },
    });
    expect(suspended.status, suspended.text).toBe(200);
    // Act
    const last = await t.admin.raw("PATCH", "/v1/admin/orgs/hub-admin", {
      body: { status: "suspended" },
    });
    // Assess
    expect(last.status, last.text).toBe(409);
    expect((await t.admin.raw("GET", "/v1/admin/orgs/hub-admin")).status).toBe(200);
  });
});
