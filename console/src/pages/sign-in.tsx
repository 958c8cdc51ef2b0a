/**
 * Signing in (DESIGN §16): with no password and no cookie. Either the browser makes a
 * key pair whose private half it can never export, and the analyst sends its key
 * request to whoever registers it; or the analyst opens their organisation's key
 * file, whose key is imported non-extractable and the file forgotten.
 */
import { useState } from "preact/hooks";
import {
  createKeyRequest,
  generateHeldSigningKey,
  type HeldSigningKey,
  holdSigningKey,
  KEY_REQUEST_LIFETIME_SECONDS,
  type KeyRequest,
  parsePrivateJwk,
} from "../../../cli/sdk/index.js";
import { downloadText, ErrorNote, PageTitle, ScrollRegion } from "../components/common.js";
import { forgetIdentity, type StoredIdentity, saveIdentity, signerOf } from "../state/keystore.js";
import { audienceCandidates } from "../state/session.js";

const ORG_ID = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

interface Props {
  pending?: StoredIdentity;
  error?: unknown;
  onSignedIn: (identity: StoredIdentity) => Promise<void>;
  onForget: () => Promise<void>;
}

export function SignInPage({ pending, error, onSignedIn, onForget }: Props) {
  const [identity, setIdentity] = useState<StoredIdentity | undefined>(pending);
  const [problem, setProblem] = useState<unknown>(error);
  const [busy, setBusy] = useState(false);

  const attempt = async (action: () => Promise<void>) => {
    setBusy(true);
    setProblem(undefined);
    try {
      await action();
    } catch (caught) {
      setProblem(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" class="sign-in">
      <PageTitle>Sign in to Cordon</PageTitle>
      <p class="lede">
        The console signs every request in this browser with your organisation's key. The key never
        leaves this browser: there is no password and no cookie.
      </p>
      <ErrorNote error={problem} />
      {identity?.origin === "generated" ? (
        <KeyRequestPanel
          identity={identity}
          busy={busy}
          onContinue={() => attempt(() => onSignedIn(identity))}
          onStartOver={() =>
            attempt(async () => {
              await onForget();
              setIdentity(undefined);
            })
          }
        />
      ) : (
        <div class="columns">
          <GenerateKey
            busy={busy}
            onMade={(made) => attempt(async () => setIdentity(made))}
            run={attempt}
          />
          <ImportKey run={attempt} busy={busy} onSignedIn={onSignedIn} />
        </div>
      )}
    </main>
  );
}

function GenerateKey({
  busy,
  onMade,
  run,
}: {
  busy: boolean;
  onMade: (identity: StoredIdentity) => Promise<void>;
  run: (action: () => Promise<void>) => Promise<void>;
}) {
  const [org, setOrg] = useState("");
  const valid = ORG_ID.test(org);
  return (
    <section aria-labelledby="generate-title" class="card">
      <h2 id="generate-title">New here: create a key in this browser</h2>
      <p>
        The browser makes a key pair (Ed25519 where it can, else P-256). Its private half cannot be
        copied out, not even by this page. You then send a <em>key request</em> to be registered.
      </p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!valid) return;
          void run(async () => {
            const key = await generateHeldSigningKey();
            const identity = identityOf(org, key, "generated");
            await saveIdentity(identity);
            await onMade(identity);
          });
        }}
      >
        <label for="generate-org">Your organisation's id</label>
        <input
          id="generate-org"
          name="org"
          value={org}
          autoComplete="organization"
          aria-describedby="generate-org-hint"
          aria-invalid={org !== "" && !valid}
          onInput={(event) => setOrg(event.currentTarget.value.trim())}
        />
        <p id="generate-org-hint" class="hint">
          As the hub knows it, e.g. <code>binance</code> (a-z, 0-9 and hyphens). Ask your hub
          operator if unsure; a new organisation chooses its own.
        </p>
        <button type="submit" disabled={busy || !valid}>
          Create my key
        </button>
      </form>
    </section>
  );
}

function KeyRequestPanel({
  identity,
  busy,
  onContinue,
  onStartOver,
}: {
  identity: StoredIdentity;
  busy: boolean;
  onContinue: () => void;
  onStartOver: () => void;
}) {
  const [request, setRequest] = useState<KeyRequest>();
  const [problem, setProblem] = useState<unknown>();
  const fresh = async () => {
    try {
      const made = await createKeyRequest(identity.org, signerOf(identity));
      setRequest(made);
      return made;
    } catch (error) {
      setProblem(error);
      return undefined;
    }
  };
  const minutes = KEY_REQUEST_LIFETIME_SECONDS / 60;
  return (
    <section aria-labelledby="request-title" class="card">
      <h2 id="request-title">Your key request</h2>
      <p>
        This browser holds a key for <strong>{identity.org}</strong> (key id{" "}
        <code data-testid="pending-kid">{identity.kid}</code>). Before it can sign in, the hub must
        register it:
      </p>
      <ol>
        <li>Download the key request and send it to whoever registers keys for you.</li>
        <li>
          A new organisation is onboarded by the hub operator:{" "}
          <code>cordon admin org create --request FILE --name … --type … --roles …</code>. Another
          key of an existing organisation is added by one of its key holders:{" "}
          <code>cordon key add --request FILE</code>.
        </li>
        <li>Once they say it is done, sign in below.</li>
      </ol>
      <p class="note">
        The request proves you hold the key, and that proof is accepted for {minutes} minutes only.
        Download a new one whenever it is about to be registered: each download makes a fresh proof.
      </p>
      <ErrorNote error={problem} />
      <div class="actions">
        <button
          type="button"
          onClick={() =>
            void fresh().then((made) => {
              if (made !== undefined) {
                downloadText(
                  `${identity.org}.key-request.json`,
                  `${JSON.stringify(made, null, 2)}\n`,
                  "application/json",
                );
              }
            })
          }
        >
          Download key request
        </button>
        <button type="button" onClick={() => void fresh()}>
          Show a new proof
        </button>
      </div>
      {request === undefined ? null : (
        <details open>
          <summary>Key request made at {request.created_at}</summary>
          <ScrollRegion label="Key request" className="scroll-box">
            <pre class="json" data-testid="key-request">
              {JSON.stringify(request, null, 2)}
            </pre>
          </ScrollRegion>
        </details>
      )}
      <div class="actions">
        <button type="button" class="primary" disabled={busy} onClick={onContinue}>
          I have been registered: sign in
        </button>
        <button type="button" disabled={busy} onClick={onStartOver}>
          Forget this key and start over
        </button>
      </div>
    </section>
  );
}

function ImportKey({
  busy,
  run,
  onSignedIn,
}: {
  busy: boolean;
  run: (action: () => Promise<void>) => Promise<void>;
  onSignedIn: (identity: StoredIdentity) => Promise<void>;
}) {
  const [org, setOrg] = useState("");
  const [file, setFile] = useState<File>();
  const valid = ORG_ID.test(org) && file !== undefined;
  return (
    <section aria-labelledby="import-title" class="card">
      <h2 id="import-title">Have a key file: open it</h2>
      <p>
        Your organisation's private key as a JWK file (from <code>cordon keygen</code>). It is
        imported so that it can sign but not be read back; the file itself is not kept.
      </p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (file === undefined || !valid) return;
          void run(async () => {
            const key = await holdSigningKey(parsePrivateJwk(JSON.parse(await file.text())));
            const identity = identityOf(org, key, "imported");
            await saveIdentity(identity);
            try {
              await onSignedIn(identity);
            } catch (error) {
              // A key the hub refuses is not kept: the analyst tries again with the file.
              await forgetIdentity();
              throw error;
            }
          });
        }}
      >
        <label for="import-org">Your organisation's id</label>
        <input
          id="import-org"
          name="org"
          value={org}
          onInput={(event) => setOrg(event.currentTarget.value.trim())}
        />
        <label for="import-file">Key file (JWK)</label>
        <input
          id="import-file"
          type="file"
          accept=".jwk,.json,application/json"
          onChange={(event) => setFile(event.currentTarget.files?.[0])}
        />
        <button type="submit" disabled={busy || !valid}>
          Sign in with this key
        </button>
      </form>
    </section>
  );
}

/** The identity kept in this browser for `org`'s key, generated here or imported. */
function identityOf(
  org: string,
  key: HeldSigningKey,
  origin: StoredIdentity["origin"],
): StoredIdentity {
  return {
    org,
    audience: audienceCandidates()[0] ?? "cordon",
    kid: key.kid,
    alg: key.alg,
    publicJwk: key.publicJwk,
    privateKey: key.privateKey,
    origin,
    created_at: new Date().toISOString(),
  };
}
