/**
 * Subscriptions (DESIGN §16): webhooks with their delivery log — each delivery's
 * attempts (time, duration, status or network error, the answer's first bytes, §15)
 * and "resend". Where the hub has no per-delivery route yet, the panel says so.
 */
import { useEffect, useState } from "preact/hooks";
import type {
  Delivery,
  DeliveryDetail,
  Subscription,
  SubscriptionInput,
} from "../../../cli/sdk/index.js";
import { EVENT_TYPES } from "../../../shared/subscriptions/types.js";
import type { PageProps } from "../app.js";
import { ErrorNote, NotAvailable, PageTitle, ScrollRegion, Time } from "../components/common.js";
import { isNotAvailable } from "../state/session.js";

export function SubscriptionsPage({ session }: PageProps & { segments: string[] }) {
  const [items, setItems] = useState<Subscription[]>();
  const [error, setError] = useState<unknown>();
  const [secret, setSecret] = useState<string>();
  const reload = () => session.client.subscriptions.list().then(setItems, setError);
  useEffect(() => void reload(), [session]);
  if (!session.me.roles.includes("subscribe")) {
    return (
      <section aria-labelledby="page-title">
        <PageTitle>Subscriptions</PageTitle>
        <p>Your organisation does not have the subscribe role.</p>
      </section>
    );
  }
  return (
    <section aria-labelledby="page-title">
      <PageTitle>Subscriptions</PageTitle>
      <ErrorNote error={error} />
      {secret === undefined ? null : (
        <p class="note" role="status">
          The new secret, shown this once: <code data-testid="subscription-secret">{secret}</code>.
          Your receiver verifies webhooks with it.
        </p>
      )}
      <NewSubscription
        session={session}
        onCreated={(made) => {
          setSecret(made);
          void reload();
        }}
      />
      {items === undefined ? <p>Loading…</p> : items.length === 0 ? <p>No subscriptions.</p> : null}
      {items?.map((subscription) => (
        <SubscriptionCard
          key={subscription.id}
          session={session}
          subscription={subscription}
          onChanged={() => void reload()}
          onSecret={setSecret}
        />
      ))}
    </section>
  );
}

function NewSubscription({
  session,
  onCreated,
}: {
  session: PageProps["session"];
  onCreated: (secret: string) => void;
}) {
  const [url, setUrl] = useState("");
  const [events, setEvents] = useState<string[]>(["bulletin.published", "bulletin.revoked"]);
  const [error, setError] = useState<unknown>();
  return (
    <details class="card">
      <summary>New subscription</summary>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          setError(undefined);
          const input = { url: url.trim(), events } as SubscriptionInput;
          session.client.subscriptions
            .create(input)
            .then((made) => onCreated(made.secret), setError);
        }}
      >
        <label for="subscription-url">Webhook URL</label>
        <input
          id="subscription-url"
          type="url"
          value={url}
          required
          onInput={(e) => setUrl(e.currentTarget.value)}
        />
        <fieldset>
          <legend>Events</legend>
          {EVENT_TYPES.map((type) => (
            <div class="check" key={type}>
              <input
                id={`event-${type}`}
                type="checkbox"
                checked={events.includes(type)}
                onChange={(e) =>
                  setEvents(
                    e.currentTarget.checked ? [...events, type] : events.filter((x) => x !== type),
                  )
                }
              />
              <label for={`event-${type}`}>{type}</label>
            </div>
          ))}
        </fieldset>
        <ErrorNote error={error} />
        <button type="submit">Create subscription</button>
      </form>
    </details>
  );
}

function SubscriptionCard({
  session,
  subscription,
  onChanged,
  onSecret,
}: {
  session: PageProps["session"];
  subscription: Subscription;
  onChanged: () => void;
  onSecret: (secret: string) => void;
}) {
  const client = session.client.subscriptions;
  const [deliveries, setDeliveries] = useState<Delivery[]>();
  const [error, setError] = useState<unknown>();
  const [open, setOpen] = useState<string>();
  const act = (action: () => Promise<unknown>) => action().then(onChanged, setError);
  const loadDeliveries = () =>
    client
      .deliveries(subscription.id, { limit: 50 })
      .then((page) => setDeliveries(page.items), setError);
  return (
    <section
      class="card"
      aria-label={`Subscription ${subscription.url}`}
      data-testid="subscription"
    >
      <h2 class="mono">{subscription.url}</h2>
      <p>
        <span class={`status status-${subscription.status}`}>{subscription.status}</span> ·{" "}
        {subscription.events.join(", ")} · since <Time at={subscription.created_at} />
        {subscription.disabled_reason ? ` · ${subscription.disabled_reason}` : ""}
      </p>
      <div class="actions">
        <button type="button" onClick={() => void loadDeliveries()}>
          Delivery log
        </button>
        <button
          type="button"
          onClick={() => void client.test(subscription.id).then(loadDeliveries, setError)}
        >
          Send a test ping
        </button>
        {subscription.status !== "active" ? (
          <button type="button" onClick={() => void act(() => client.enable(subscription.id))}>
            Enable again
          </button>
        ) : null}
        <button
          type="button"
          onClick={() =>
            void client.rotateSecret(subscription.id).then((r) => onSecret(r.secret), setError)
          }
        >
          New secret
        </button>
        <button
          type="button"
          class="danger"
          onClick={() => void act(() => client.delete(subscription.id))}
        >
          Delete
        </button>
      </div>
      <ErrorNote error={error} />
      {deliveries === undefined ? null : deliveries.length === 0 ? (
        <p>No deliveries yet.</p>
      ) : (
        <ScrollRegion label={`Deliveries to ${subscription.url}`}>
          <table data-testid="deliveries">
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Status</th>
                <th scope="col">Attempts</th>
                <th scope="col">Last answer</th>
                <th scope="col">Updated</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {deliveries.map((delivery) => (
                <tr key={delivery.webhook_id}>
                  <td>{delivery.event_type}</td>
                  <td>{delivery.status}</td>
                  <td>{delivery.attempts}</td>
                  <td>{delivery.last_status_code ?? delivery.last_error ?? "—"}</td>
                  <td>
                    <Time at={delivery.updated_at} />
                  </td>
                  <td>
                    <button
                      type="button"
                      onClick={() => setOpen(delivery.webhook_id)}
                      aria-label={`Attempts of delivery ${delivery.webhook_id}`}
                    >
                      Attempts
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
      {open === undefined ? null : (
        <DeliveryPanel
          session={session}
          subscriptionId={subscription.id}
          webhookId={open}
          onResent={loadDeliveries}
        />
      )}
    </section>
  );
}

function DeliveryPanel({
  session,
  subscriptionId,
  webhookId,
  onResent,
}: {
  session: PageProps["session"];
  subscriptionId: string;
  webhookId: string;
  onResent: () => void;
}) {
  const client = session.client.subscriptions;
  const [detail, setDetail] = useState<DeliveryDetail | "unavailable">();
  const [error, setError] = useState<unknown>();
  const [resent, setResent] = useState<string>();
  const load = () =>
    client
      .getDelivery(subscriptionId, webhookId)
      .then(setDetail, (caught) =>
        isNotAvailable(caught) ? setDetail("unavailable") : setError(caught),
      );
  useEffect(() => void load(), [webhookId]);
  return (
    <section aria-label={`Delivery ${webhookId}`} class="delivery" data-testid="delivery">
      <h3>Delivery {webhookId}</h3>
      <ErrorNote error={error} />
      {detail === "unavailable" ? (
        <NotAvailable what="Delivery attempts" />
      ) : detail === undefined ? (
        <p>Loading…</p>
      ) : (
        <>
          <p>
            {detail.event_type} {detail.event_id}: {detail.status} after {detail.attempts} attempt
            {detail.attempts === 1 ? "" : "s"}
            {detail.next_attempt_at ? (
              <>
                {" "}
                · next <Time at={detail.next_attempt_at} />
              </>
            ) : null}
          </p>
          <ol class="attempts">
            {detail.attempt_log.map((attempt) => (
              <li key={attempt.number}>
                <Time at={attempt.at} /> · {attempt.duration_ms} ms ·{" "}
                {attempt.status_code ?? attempt.error ?? "no answer"}
                {attempt.response_excerpt ? (
                  <pre class="json wrap">{attempt.response_excerpt}</pre>
                ) : null}
              </li>
            ))}
          </ol>
        </>
      )}
      <button
        type="button"
        onClick={() =>
          void client.retryDelivery(subscriptionId, webhookId).then(
            () => {
              setResent("Sent again: it is queued now.");
              onResent();
              void load();
            },
            (caught) =>
              isNotAvailable(caught)
                ? setResent("Resend: not available on this hub.")
                : setError(caught),
          )
        }
      >
        Resend
      </button>
      <p role="status">{resent ?? ""}</p>
    </section>
  );
}
