/**
 * Delivery diagnostics (DESIGN §15, issue 14 point 3) over the real hub: one delivery
 * with its attempts, a resend, the deliveries list's `last_error`, and 404s that say
 * nothing of another organisation's subscriptions.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestHub, type TestHub, type TestOrg } from "../helpers/hub.js";
import { type Receiver, startReceiver } from "../helpers/receiver.js";

interface Detail {
  webhook_id: string;
  status: string;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: string | null;
  attempt_log: {
    number: number;
    status_code: number | null;
    error: string | null;
    response_excerpt: string | null;
  }[];
}

describe("delivery diagnostics", () => {
  let t: TestHub;
  let receiver: Receiver;
  let org: TestOrg;
  let other: TestOrg;
  let subscriptionId: string;
  let secret: string;

  const lines: { message: string; attributes: Record<string, unknown> }[] = [];
  const record = (message: string, attributes: Record<string, unknown> = {}) =>
    void lines.push({ message, attributes });

  beforeAll(async () => {
    t = await startTestHub({
      logger: { debug: record, info: record, warn: record, error: record },
    });
    receiver = await startReceiver();
    org = await t.onboard("okx", { roles: ["subscribe"] });
    other = await t.onboard("htx", { roles: ["subscribe"] });
    ({ id: subscriptionId, secret } = await org.client.call<{ id: string; secret: string }>(
      "POST",
      "/v1/subscriptions",
      { body: { url: `${receiver.url}?token=hush`, events: ["bulletin.published"], filter: {} } },
    ));
  });
  afterAll(async () => {
    await t.stop();
    await receiver.close();
  });

  const detail = (webhookId: string, client = org.client, sub = subscriptionId) =>
    client.raw("GET", `/v1/subscriptions/${sub}/deliveries/${webhookId}`);

  async function settled(webhookId: string, attempts: number): Promise<Detail> {
    for (let i = 0; i < 200; i += 1) {
      const answer = (await detail(webhookId)).body as Detail;
      if (answer.attempts >= attempts && answer.status !== "pending") return answer;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`delivery ${webhookId} did not reach ${attempts} attempts`);
  }

  it("shows each attempt of a delivery, and the list shows its last error", async () => {
    receiver.answers.push({
      status: 500,
      headers: { "content-type": "text/plain" },
      body: "database is down",
    });
    const ping = await org.client.call<{ webhook_id: string }>(
      "POST",
      `/v1/subscriptions/${subscriptionId}/test`,
    );
    const answer = await settled(ping.webhook_id, 2);
    expect(answer).toMatchObject({
      webhook_id: ping.webhook_id,
      event_type: "ping",
      status: "delivered",
      attempts: 2,
      last_status_code: 200,
      last_error: null,
      next_attempt_at: null,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    expect(answer.attempt_log).toEqual([
      {
        number: 1,
        at: expect.any(String),
        duration_ms: expect.any(Number),
        status_code: 500,
        error: null,
        response_excerpt: "database is down",
      },
      {
        number: 2,
        at: expect.any(String),
        duration_ms: expect.any(Number),
        status_code: 200,
        error: null,
        response_excerpt: null,
      },
    ]);
    const list = await org.client.call<{ items: { webhook_id: string; last_error: unknown }[] }>(
      "GET",
      `/v1/subscriptions/${subscriptionId}/deliveries`,
    );
    expect(list.items.find((item) => item.webhook_id === ping.webhook_id)).toMatchObject({
      last_error: null,
    });
  });

  it("resends a delivered one at once, keeping its attempts", async () => {
    const [first] = receiver.received;
    const webhookId = String(first?.headers["webhook-id"]);
    const before = receiver.received.length;
    const resend = await org.client.raw(
      "POST",
      `/v1/subscriptions/${subscriptionId}/deliveries/${webhookId}/retry`,
    );
    expect(resend.status).toBe(202);
    expect(resend.body).toEqual({
      webhook_id: webhookId,
      event_type: "ping",
      event_id: expect.any(String),
      status: "pending",
      attempts: 2,
      last_status_code: 200,
      last_error: null,
      next_attempt_at: expect.any(String),
      updated_at: expect.any(String),
    });
    await receiver.waitFor((hooks) => hooks.length === before + 1);
    expect(receiver.received.at(-1)?.headers["webhook-id"]).toBe(webhookId);
    const answer = await settled(webhookId, 3);
    expect(answer.status).toBe("delivered");
    expect(answer.attempt_log.map((entry) => entry.number)).toEqual([1, 2, 3]);
  });

  it("answers 404 alike for an unknown webhook-id and another organisation's subscription", async () => {
    const [first] = receiver.received;
    const webhookId = String(first?.headers["webhook-id"]);
    const unknown = await detail("msg_unknown");
    const foreign = await detail(webhookId, other.client);
    const foreignResend = await other.client.raw(
      "POST",
      `/v1/subscriptions/${subscriptionId}/deliveries/${webhookId}/retry`,
    );
    for (const answer of [unknown, foreign, foreignResend]) {
      expect(answer.status).toBe(404);
      expect(answer.body).toEqual(unknown.body);
    }
  });

  it("names the network error of an unreachable endpoint", async () => {
    const unreachable = await org.client.call<{ id: string }>("POST", "/v1/subscriptions", {
      body: { url: "http://127.0.0.1:9/refused", events: ["bulletin.published"], filter: {} },
    });
    const ping = await org.client.call<{ webhook_id: string }>(
      "POST",
      `/v1/subscriptions/${unreachable.id}/test`,
    );
    let answer: Detail | undefined;
    for (let i = 0; i < 100; i += 1) {
      answer = (await detail(ping.webhook_id, org.client, unreachable.id)).body as Detail;
      if (answer.attempts >= 1 && answer.status === "retrying") break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(answer).toMatchObject({ last_status_code: null, last_error: "ECONNREFUSED" });
    expect(answer?.attempt_log[0]).toMatchObject({ status_code: null, error: "ECONNREFUSED" });
  });

  it("logs one line per attempt, never the body, the URL or a secret", () => {
    const attempts = lines.filter((line) => line.message === "webhook attempt");
    expect(attempts.length).toBeGreaterThanOrEqual(3);
    expect(attempts[0]?.attributes).toEqual({
      subscriptionId,
      webhookId: expect.stringMatching(/^msg_/),
      attempt: 1,
      outcome: "retrying",
      statusCode: 500,
      error: null,
      durationMs: expect.any(Number),
    });
    const logged = JSON.stringify(lines);
    for (const secretThing of [secret, "hush", receiver.url, "database is down", '"type":"ping"'])
      expect(logged).not.toContain(secretThing);
  });
});
