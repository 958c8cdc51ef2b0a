/**
 * One bulletin (DESIGN §16): its TLP banner, payload and indicators; the publisher's
 * signature and the hub's receipt verified here, in the browser, with the SDK's
 * `verifyBulletin`; its place in the transparency log verified with the SDK's log
 * verifiers (§14); revoke and supersede for its publisher, its sightings; and
 * "report a sighting" for everyone else. TLP:RED content is neither fetched nor shown
 * before the analyst asks for it with a click.
 */
import { useEffect, useMemo, useState } from "preact/hooks";
import {
  type BulletinPayload,
  type BulletinView,
  type ChangeProof,
  type Indicator,
  type Sighting,
  type VerifiedBulletin,
  verifyBulletin,
  verifyCheckpoint,
  verifyInclusion,
} from "../../../cli/sdk/index.js";
import { normaliseIndicator } from "../../../shared/indicators/indicator.js";
import type { PageProps } from "../app.js";
import {
  ErrorNote,
  Mark,
  type MarkState,
  PageTitle,
  ScrollRegion,
  Time,
  TlpBanner,
} from "../components/common.js";
import { href, navigate } from "../state/route.js";
import { describeError, isNotAvailable } from "../state/session.js";

interface Props extends PageProps {
  id: string;
  query: URLSearchParams;
}

type Loaded =
  | { state: "loading" }
  | { state: "red-hidden" }
  | { state: "missing" }
  | { state: "failed"; error: unknown }
  | { state: "shown"; view: BulletinView };

export function BulletinPage({ session, feed, id, query }: Props) {
  const known = useMemo(() => feed.current().items.find((item) => item.id === id), [feed, id]);
  const knownRed = known !== undefined && !("bulletin" in known);
  const [loaded, setLoaded] = useState<Loaded>({ state: knownRed ? "red-hidden" : "loading" });
  const [revealed, setRevealed] = useState(false);
  const [fetched, setFetched] = useState<BulletinView>();

  const load = async () => {
    try {
      const view = await session.client.getBulletin(id);
      setFetched(view);
      return view;
    } catch (error) {
      if (isNotAvailable(error)) setLoaded({ state: "missing" });
      else setLoaded({ state: "failed", error });
      return undefined;
    }
  };

  useEffect(() => {
    setRevealed(false);
    setFetched(undefined);
    if (knownRed) {
      setLoaded({ state: "red-hidden" });
      return;
    }
    setLoaded({ state: "loading" });
    void load();
  }, [id]);

  useEffect(() => {
    if (fetched === undefined) return;
    if (fetched.bulletin.tlp === "red" && !revealed) setLoaded({ state: "red-hidden" });
    else setLoaded({ state: "shown", view: fetched });
  }, [fetched, revealed]);

  const reveal = async () => {
    setRevealed(true);
    if (fetched === undefined) {
      setLoaded({ state: "loading" });
      await load();
    }
  };

  if (loaded.state === "loading") {
    return (
      <section aria-labelledby="page-title">
        <PageTitle>Bulletin</PageTitle>
        <p>Loading…</p>
      </section>
    );
  }
  if (loaded.state === "missing") {
    return (
      <section aria-labelledby="page-title">
        <PageTitle>Bulletin not found</PageTitle>
        <p>There is no bulletin {id} that your organisation may see.</p>
      </section>
    );
  }
  if (loaded.state === "failed") {
    return (
      <section aria-labelledby="page-title">
        <PageTitle>Bulletin</PageTitle>
        <ErrorNote error={loaded.error} />
      </section>
    );
  }
  if (loaded.state === "red-hidden") {
    return (
      <section aria-labelledby="page-title">
        <PageTitle>TLP:RED bulletin</PageTitle>
        <TlpBanner tlp="red" />
        <p>
          This bulletin from <strong>{known?.issuer ?? fetched?.issuer}</strong> is TLP:RED: for its
          named recipients only. Its content is shown only when you ask for it, is kept in this
          page's memory alone, and is gone when you leave the page.
        </p>
        <button
          type="button"
          class="primary"
          onClick={() => void reveal()}
          data-testid="reveal-red"
        >
          Show the TLP:RED content
        </button>
      </section>
    );
  }
  return (
    <BulletinContent
      session={session}
      feed={feed}
      view={loaded.view}
      preselect={query.get("indicator") ?? undefined}
      onChanged={(view) => setFetched(view)}
    />
  );
}

function BulletinContent({
  session,
  view,
  preselect,
  onChanged,
}: PageProps & {
  view: BulletinView;
  preselect?: string;
  onChanged: (view: BulletinView) => void;
}) {
  const [verified, setVerified] = useState<VerifiedBulletin>();
  const [verifyError, setVerifyError] = useState<unknown>();
  const client = session.client;

  useEffect(() => {
    setVerified(undefined);
    setVerifyError(undefined);
    void (async () => {
      try {
        const [hubJwks, publisherJwks] = await Promise.all([
          client.hubJwks(),
          client.orgJwks(view.issuer),
        ]);
        const result = await verifyBulletin(view.jws, publisherJwks, {
          receipt: view.receipt,
          hubJwks,
        });
        if (result.contentSha256 !== view.content_sha256) {
          throw new Error("the hub's content hash is not the signed payload's");
        }
        setVerified(result);
      } catch (error) {
        setVerifyError(error);
      }
    })();
  }, [view.jws, view.receipt]);

  // What is shown is what the publisher signed, once that is checked.
  const payload: BulletinPayload = verified?.payload ?? view.bulletin;
  const mine = view.issuer === session.me.id;

  return (
    <article aria-labelledby="page-title" data-testid="bulletin" data-id={view.id}>
      <TlpBanner tlp={payload.tlp} />
      <PageTitle>{payload.title}</PageTitle>
      <p class="lede">{payload.summary}</p>
      <dl class="facts">
        <dt>Status</dt>
        <dd data-testid="bulletin-status">
          <span class={`status status-${view.status}`}>{view.status}</span>
          {view.revocation === undefined ? null : (
            <>
              {" "}
              — revoked <Time at={view.revocation.revoked_at} />: {view.revocation.reason}
            </>
          )}
        </dd>
        <dt>Publisher</dt>
        <dd>{view.issuer}</dd>
        <dt>Category</dt>
        <dd>{payload.category.replace("_", " ")}</dd>
        <dt>Confidence</dt>
        <dd>{payload.confidence}</dd>
        <dt>Issued</dt>
        <dd>
          <Time at={payload.issued_at} />
        </dd>
        <dt>Received by the hub</dt>
        <dd>
          <Time at={view.received_at} />
        </dd>
        <dt>Valid until</dt>
        <dd>
          <Time at={payload.valid_until} />
        </dd>
        <dt>Audience</dt>
        <dd>
          {payload.audience?.length ? payload.audience.join(", ") : "everyone who may see this TLP"}
        </dd>
        {payload.supersedes ? (
          <>
            <dt>Supersedes</dt>
            <dd>
              <a href={href("bulletins", payload.supersedes)}>{payload.supersedes}</a>
            </dd>
          </>
        ) : null}
        {payload.references?.length ? (
          <>
            <dt>References</dt>
            <dd>{payload.references.join(", ")}</dd>
          </>
        ) : null}
      </dl>

      <section aria-labelledby="verification-title">
        <h2 id="verification-title">Verification</h2>
        <ul class="marks" data-testid="marks">
          <SignatureMarks verified={verified} error={verifyError} />
          <LogMark session={session} view={view} />
        </ul>
      </section>

      <section aria-labelledby="indicators-title">
        <h2 id="indicators-title">Indicators ({payload.indicators.length})</h2>
        <ScrollRegion labelledBy="indicators-title">
          <table>
            <thead>
              <tr>
                <th scope="col">Type</th>
                <th scope="col">Chain or platform</th>
                <th scope="col">Value</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {payload.indicators.map((indicator, index) => (
                <tr key={index}>
                  <td>{indicator.type.replace("_", " ")}</td>
                  <td>
                    {"chain" in indicator
                      ? indicator.chain
                      : "platform" in indicator
                        ? indicator.platform
                        : "telegram"}
                  </td>
                  <td class="mono">{indicatorValue(indicator)}</td>
                  <td>
                    {indicator.type === "crypto_address"
                      ? [indicator.asset, indicator.role].filter(Boolean).join(", ")
                      : ""}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      </section>

      {mine ? (
        <PublisherActions session={session} view={view} onChanged={onChanged} />
      ) : (
        <SightingForm
          session={session}
          view={view}
          indicators={payload.indicators}
          preselect={preselect}
        />
      )}

      <details>
        <summary>The signed bulletin (JWS) and the hub's receipt</summary>
        <ScrollRegion label="Bulletin JWS" className="scroll-box">
          <pre class="json wrap">{view.jws}</pre>
        </ScrollRegion>
        <ScrollRegion label="Hub receipt" className="scroll-box">
          <pre class="json wrap">{view.receipt}</pre>
        </ScrollRegion>
      </details>
    </article>
  );
}

export function indicatorValue(indicator: Indicator): string {
  switch (indicator.type) {
    case "crypto_address":
      return indicator.address;
    case "tx_hash":
      return indicator.hash;
    default:
      return indicator.value;
  }
}

function SignatureMarks({ verified, error }: { verified?: VerifiedBulletin; error?: unknown }) {
  if (error !== undefined) {
    return (
      <Mark state="bad" label="Publisher's signature and hub receipt" testId="mark-signature">
        {describeError(error)}
      </Mark>
    );
  }
  if (verified === undefined) {
    return (
      <Mark state="pending" label="Publisher's signature" testId="mark-signature">
        checking…
      </Mark>
    );
  }
  const revoked = verified.keyStatus === "revoked";
  const signatureState: MarkState =
    revoked && verified.receivedBeforeRevocation !== true ? "bad" : revoked ? "warn" : "ok";
  return (
    <>
      <Mark state={signatureState} label="Publisher's signature" testId="mark-signature">
        signed by {verified.payload.issuer} with key <code>{verified.kid}</code> (
        {verified.keyStatus}
        {verified.keyRevokedAt ? (
          <>
            , revoked <Time at={verified.keyRevokedAt} />
          </>
        ) : null}
        )
        {revoked
          ? verified.receivedBeforeRevocation
            ? "; the hub received it before the revocation"
            : "; received after the revocation: do not trust"
          : null}
      </Mark>
      <Mark
        state={verified.receipt === undefined ? "bad" : "ok"}
        label="Hub receipt"
        testId="mark-receipt"
      >
        {verified.receipt === undefined ? (
          "missing"
        ) : (
          <>
            received <Time at={verified.receipt.received_at} />, content SHA-256{" "}
            {verified.contentSha256.slice(0, 16)}…
          </>
        )}
      </Mark>
    </>
  );
}

type LogState =
  | { state: "pending" }
  | { state: "unavailable" }
  | { state: "bad"; error: unknown }
  | { state: "done"; size: number; changes: { change: ChangeProof; included: boolean }[] };

function LogMark({ session, view }: { session: PageProps["session"]; view: BulletinView }) {
  const [log, setLog] = useState<LogState>({ state: "pending" });
  useEffect(() => {
    void (async () => {
      try {
        const [proof, key] = await Promise.all([
          session.client.bulletinProof(view.id),
          session.client.logKey(),
        ]);
        const checkpoint = await verifyCheckpoint(proof.checkpoint, key);
        const changes = proof.changes.map((change) => {
          if (change.inclusion === null) return { change, included: false };
          verifyInclusion({
            receipt: change.receipt,
            index: change.seq,
            proof: change.inclusion,
            checkpoint,
          });
          return { change, included: true };
        });
        setLog({ state: "done", size: checkpoint.size, changes });
      } catch (error) {
        setLog(isNotAvailable(error) ? { state: "unavailable" } : { state: "bad", error });
      }
    })();
  }, [view.id, view.status]);
  if (log.state === "pending")
    return (
      <Mark state="pending" label="Transparency log" testId="mark-log">
        checking…
      </Mark>
    );
  if (log.state === "unavailable") {
    return (
      <Mark state="unavailable" label="Transparency log" testId="mark-log">
        not available on this hub
      </Mark>
    );
  }
  if (log.state === "bad") {
    return (
      <Mark state="bad" label="Transparency log" testId="mark-log">
        {describeError(log.error)}
      </Mark>
    );
  }
  const waiting = log.changes.filter((entry) => !entry.included);
  return (
    <Mark
      state={waiting.length === 0 ? "ok" : "pending"}
      label="Transparency log"
      testId="mark-log"
    >
      {log.changes.map((entry) => (
        <span key={entry.change.seq} class="log-change">
          {entry.change.kind} (change #{entry.change.seq}, <Time at={entry.change.at} />
          ):{" "}
          {entry.included
            ? `included in the checkpoint of size ${log.size}`
            : "not yet in a checkpoint"}
          .{" "}
        </span>
      ))}
    </Mark>
  );
}

function PublisherActions({
  session,
  view,
  onChanged,
}: {
  session: PageProps["session"];
  view: BulletinView;
  onChanged: (view: BulletinView) => void;
}) {
  const [reason, setReason] = useState("");
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [sightings, setSightings] = useState<Sighting[]>();
  const [sightingsError, setSightingsError] = useState<unknown>();

  useEffect(() => {
    session.client
      .listSightings(view.id, { limit: 100 })
      .then((page) => setSightings(page.items), setSightingsError);
  }, [view.id]);

  return (
    <>
      <section aria-labelledby="sightings-title">
        <h2 id="sightings-title">Sightings reported</h2>
        <ErrorNote error={sightingsError} />
        {sightings === undefined ? null : sightings.length === 0 ? (
          <p>No sightings yet.</p>
        ) : (
          <SightingsTable sightings={sightings} />
        )}
      </section>
      {view.status === "active" ? (
        <section aria-labelledby="manage-title">
          <h2 id="manage-title">Revoke or supersede</h2>
          <p>
            <a href={`${href("publish")}?supersedes=${encodeURIComponent(view.id)}`}>
              Publish a bulletin that supersedes this one
            </a>
          </p>
          <form
            onSubmit={(event) => {
              event.preventDefault();
              setBusy(true);
              setError(undefined);
              session.client
                .revoke(view.id, reason.trim())
                .then(onChanged, setError)
                .finally(() => setBusy(false));
            }}
          >
            <label for="revoke-reason">Reason for revoking</label>
            <input
              id="revoke-reason"
              value={reason}
              required
              onInput={(e) => setReason(e.currentTarget.value)}
            />
            <ErrorNote error={error} />
            <button type="submit" class="danger" disabled={busy || reason.trim() === ""}>
              Revoke this bulletin
            </button>
          </form>
        </section>
      ) : null}
    </>
  );
}

export function SightingsTable({ sightings }: { sightings: Sighting[] }) {
  return (
    <ScrollRegion label="Sightings">
      <table data-testid="sightings">
        <thead>
          <tr>
            <th scope="col">Reported</th>
            <th scope="col">By</th>
            <th scope="col">Indicator</th>
            <th scope="col">Note</th>
          </tr>
        </thead>
        <tbody>
          {sightings.map((sighting) => (
            <tr key={sighting.id}>
              <td>
                <Time at={sighting.reported_at} />
              </td>
              <td>{sighting.reporter}</td>
              <td class="mono">{sighting.indicator}</td>
              <td>{sighting.note ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollRegion>
  );
}

function SightingForm({
  session,
  view,
  indicators,
  preselect,
}: {
  session: PageProps["session"];
  view: BulletinView;
  indicators: Indicator[];
  preselect?: string | undefined;
}) {
  const normalised = indicators.map((indicator) => {
    try {
      return normaliseIndicator(indicator);
    } catch {
      return indicatorValue(indicator);
    }
  });
  const initial = Math.max(0, preselect === undefined ? 0 : normalised.indexOf(preselect));
  const [choice, setChoice] = useState(initial);
  const [note, setNote] = useState("");
  const [disclose, setDisclose] = useState(false);
  const [error, setError] = useState<unknown>();
  const [reported, setReported] = useState<Sighting>();
  if (!session.me.roles.includes("screen") && !session.me.roles.includes("subscribe")) return null;
  return (
    <section aria-labelledby="sighting-title">
      <h2 id="sighting-title">Report a sighting</h2>
      <p>
        Tell the publisher you saw one of these indicators. You stay anonymous (a pseudonym) unless
        you choose to say who you are.
      </p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          setError(undefined);
          const indicator = indicators[choice];
          if (indicator === undefined) return;
          session.client
            .reportSighting({
              bulletin_id: view.id,
              indicator,
              ...(note.trim() === "" ? {} : { note: note.trim() }),
              disclose,
            })
            .then(setReported, setError);
        }}
      >
        <label for="sighting-indicator">Indicator</label>
        <select
          id="sighting-indicator"
          value={String(choice)}
          onChange={(e) => setChoice(Number(e.currentTarget.value))}
        >
          {normalised.map((text, index) => (
            <option key={text} value={String(index)}>
              {text}
            </option>
          ))}
        </select>
        <label for="sighting-note">Note for the publisher (optional)</label>
        <textarea
          id="sighting-note"
          value={note}
          maxLength={1000}
          onInput={(e) => setNote(e.currentTarget.value)}
        />
        <div class="check">
          <input
            id="sighting-disclose"
            type="checkbox"
            checked={disclose}
            onChange={(e) => setDisclose(e.currentTarget.checked)}
          />
          <label for="sighting-disclose">Tell the publisher it was {session.me.id}</label>
        </div>
        <ErrorNote error={error} />
        <button type="submit">Report sighting</button>
        {reported === undefined ? null : (
          <p class="note ok" role="status" data-testid="sighting-reported">
            Sighting reported <Time at={reported.reported_at} /> as {reported.reporter}.
          </p>
        )}
      </form>
      <p>
        <a
          href={href("feed")}
          onClick={(event) => {
            event.preventDefault();
            navigate("feed");
          }}
        >
          Back to the feed
        </a>
      </p>
    </section>
  );
}
