/**
 * Keys and feed tokens (DESIGN §16): the organisation's keys, registering a
 * colleague's key request (`POST /v1/keys` with its proof), revoking a key; feed
 * tokens for TAXII and MISP clients (§11), whose secret is shown once.
 */
import { useEffect, useState } from "preact/hooks";
import {
  type CreatedFeedToken,
  checkKeyRequest,
  type FeedToken,
  type Organisation,
  parseKeyRequest,
} from "../../../cli/sdk/index.js";
import type { PageProps } from "../app.js";
import { ErrorNote, NotAvailable, PageTitle, ScrollRegion, Time } from "../components/common.js";
import { isNotAvailable } from "../state/session.js";

export function KeysPage({ session }: PageProps) {
  const [me, setMe] = useState<Organisation>(session.me);
  const [error, setError] = useState<unknown>();
  const [file, setFile] = useState<File>();
  const [added, setAdded] = useState<string>();
  const reload = () => session.client.me().then(setMe, setError);
  const current = session.identity.kid;
  return (
    <section aria-labelledby="page-title">
      <PageTitle>Keys and feed tokens</PageTitle>
      <section aria-labelledby="keys-title">
        <h2 id="keys-title">Keys of {me.id}</h2>
        <ScrollRegion labelledBy="keys-title">
          <table data-testid="keys">
            <thead>
              <tr>
                <th scope="col">Key id</th>
                <th scope="col">Status</th>
                <th scope="col">Added</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              {me.keys.map((key) => (
                <tr key={key.kid}>
                  <td class="mono">
                    {key.kid}
                    {key.kid === current ? " (this browser)" : ""}
                  </td>
                  <td>
                    {key.status}
                    {key.revoked_at ? (
                      <>
                        {" "}
                        <Time at={key.revoked_at} />
                      </>
                    ) : null}
                  </td>
                  <td>
                    <Time at={key.created_at} />
                  </td>
                  <td>
                    {key.status === "active" && key.kid !== current ? (
                      <button
                        type="button"
                        class="danger"
                        aria-label={`Revoke key ${key.kid}`}
                        onClick={() =>
                          void session.client.keys.revoke(key.kid).then(reload, setError)
                        }
                      >
                        Revoke
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (file === undefined) return;
            setError(undefined);
            setAdded(undefined);
            void (async () => {
              try {
                const request = parseKeyRequest(JSON.parse(await file.text()));
                if (request.org !== me.id)
                  throw new Error(`This key request is for ${request.org}, not ${me.id}.`);
                await checkKeyRequest(request);
                const key = await session.client.keys.addRequest(request);
                setAdded(`Registered key ${key.kid}: its holder can sign in now.`);
                await reload();
              } catch (caught) {
                setError(caught);
              }
            })();
          }}
        >
          <label for="key-request-file">Register a colleague's key request</label>
          <input
            id="key-request-file"
            type="file"
            accept=".json,application/json"
            onChange={(e) => setFile(e.currentTarget.files?.[0])}
          />
          <button type="submit" disabled={file === undefined}>
            Register key
          </button>
          <p role="status">{added ?? ""}</p>
        </form>
        <ErrorNote error={error} />
      </section>
      {me.roles.includes("admin") ? null : <FeedTokens session={session} />}
    </section>
  );
}

function FeedTokens({ session }: { session: PageProps["session"] }) {
  const [tokens, setTokens] = useState<FeedToken[] | "unavailable">();
  const [issued, setIssued] = useState<CreatedFeedToken>();
  const [name, setName] = useState("");
  const [error, setError] = useState<unknown>();
  const reload = () =>
    session.client.feedTokens
      .list()
      .then(setTokens, (caught) =>
        isNotAvailable(caught) ? setTokens("unavailable") : setError(caught),
      );
  useEffect(() => void reload(), [session]);
  return (
    <section aria-labelledby="tokens-title">
      <h2 id="tokens-title">Feed tokens</h2>
      <p>
        Read-only credentials for TAXII, MISP and log clients that cannot sign requests. They never
        see TLP:AMBER+STRICT or TLP:RED.
      </p>
      <ErrorNote error={error} />
      {tokens === "unavailable" ? (
        <NotAvailable what="Feed tokens" />
      ) : tokens === undefined ? (
        <p>Loading…</p>
      ) : (
        <>
          {issued === undefined ? null : (
            <p class="note" role="status">
              Token <strong>{issued.name}</strong>, shown this once:{" "}
              <code data-testid="feed-token">{issued.token}</code>
            </p>
          )}
          <ul>
            {tokens.map((token) => (
              <li key={token.id}>
                {token.name} (<code>{token.id}</code>) · expires <Time at={token.expires_at} />{" "}
                <button
                  type="button"
                  class="danger"
                  aria-label={`Revoke feed token ${token.name}`}
                  onClick={() =>
                    void session.client.feedTokens.revoke(token.id).then(reload, setError)
                  }
                >
                  Revoke
                </button>
              </li>
            ))}
          </ul>
          <form
            onSubmit={(event) => {
              event.preventDefault();
              session.client.feedTokens.create({ name: name.trim() }).then((made) => {
                setIssued(made);
                setName("");
                void reload();
              }, setError);
            }}
          >
            <label for="token-name">New token's name</label>
            <input
              id="token-name"
              value={name}
              required
              onInput={(e) => setName(e.currentTarget.value)}
            />
            <button type="submit">Create feed token</button>
          </form>
        </>
      )}
    </section>
  );
}
