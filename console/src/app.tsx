/**
 * The console's shell: sign-in until this browser holds a key the hub accepts, then
 * the pages of DESIGN §16 behind one navigation. Moving to a page puts focus on its
 * heading, so keyboard and screen-reader users land where the page begins.
 */
import type { JSX } from "preact";
import { useEffect, useMemo, useState } from "preact/hooks";
import { ErrorNote } from "./components/common.js";
import { AdminPage } from "./pages/admin.js";
import { BulletinPage } from "./pages/bulletin.js";
import { FeedPage } from "./pages/feed.js";
import { KeysPage } from "./pages/keys.js";
import { PublishPage } from "./pages/publish.js";
import { ScreeningPage } from "./pages/screening.js";
import { SightingsPage } from "./pages/sightings.js";
import { SignInPage } from "./pages/sign-in.js";
import { SubscriptionsPage } from "./pages/subscriptions.js";
import { FeedFollower } from "./state/feed.js";
import {
  forgetIdentity,
  loadIdentity,
  type StoredIdentity,
  saveIdentity,
} from "./state/keystore.js";
import { href, useRoute } from "./state/route.js";
import { connect, type Session } from "./state/session.js";

export interface PageProps {
  session: Session;
  feed: FeedFollower;
}

type Start =
  | { state: "loading" }
  | { state: "signed-out"; identity?: StoredIdentity; error?: unknown }
  | { state: "signed-in"; session: Session };

export function App() {
  const [start, setStart] = useState<Start>({ state: "loading" });

  useEffect(() => {
    void (async () => {
      const identity = await loadIdentity();
      if (identity === undefined) {
        setStart({ state: "signed-out" });
        return;
      }
      try {
        setStart({ state: "signed-in", session: await signIn(identity) });
      } catch (error) {
        setStart({ state: "signed-out", identity, error });
      }
    })();
  }, []);

  if (start.state === "loading") {
    return (
      <main id="main" class="loading">
        <p>Opening the console…</p>
      </main>
    );
  }
  if (start.state === "signed-out") {
    return (
      <SignInPage
        {...(start.identity === undefined ? {} : { pending: start.identity })}
        error={start.error}
        onSignedIn={async (identity) =>
          setStart({ state: "signed-in", session: await signIn(identity) })
        }
        onForget={async () => {
          await forgetIdentity();
          setStart({ state: "signed-out" });
        }}
      />
    );
  }
  return (
    <Console
      session={start.session}
      onSignOut={async () => {
        await forgetIdentity();
        setStart({ state: "signed-out" });
      }}
    />
  );
}

async function signIn(identity: StoredIdentity): Promise<Session> {
  const session = await connect(identity);
  if (session.identity.audience !== identity.audience) await saveIdentity(session.identity);
  return session;
}

const PAGES = [
  ["feed", "Feed"],
  ["publish", "Publish"],
  ["screen", "Screening"],
  ["sightings", "Sightings"],
  ["subscriptions", "Subscriptions"],
  ["keys", "Keys & feed tokens"],
] as const;

function Console({ session, onSignOut }: { session: Session; onSignOut: () => Promise<void> }) {
  const route = useRoute();
  const feed = useMemo(() => new FeedFollower(session.client), [session]);
  useEffect(() => () => feed.close(), [feed]);
  const [signOutError, setSignOutError] = useState<unknown>();
  const page = route.segments[0];
  const isAdmin = session.me.roles.includes("admin");

  useEffect(() => {
    document.getElementById("page-title")?.focus();
  }, [route.segments.join("/")]);

  const props: PageProps = { session, feed };
  let content: JSX.Element;
  switch (page) {
    case "bulletins":
      content = <BulletinPage {...props} id={route.segments[1] ?? ""} query={route.query} />;
      break;
    case "publish":
      content = <PublishPage {...props} query={route.query} />;
      break;
    case "screen":
      content = <ScreeningPage {...props} />;
      break;
    case "sightings":
      content = <SightingsPage {...props} />;
      break;
    case "subscriptions":
      content = <SubscriptionsPage {...props} segments={route.segments.slice(1)} />;
      break;
    case "keys":
      content = <KeysPage {...props} />;
      break;
    case "admin":
      content = isAdmin ? <AdminPage {...props} /> : <FeedPage {...props} />;
      break;
    default:
      content = <FeedPage {...props} />;
  }

  return (
    <>
      <button
        type="button"
        class="skip-link"
        onClick={() => document.getElementById("page-title")?.focus()}
      >
        Skip to content
      </button>
      <header class="top">
        <p class="brand">Cordon</p>
        <nav aria-label="Pages">
          <ul>
            {PAGES.map(([segment, label]) => (
              <li key={segment}>
                <a href={href(segment)} aria-current={page === segment ? "page" : undefined}>
                  {label}
                </a>
              </li>
            ))}
            {isAdmin ? (
              <li>
                <a href={href("admin")} aria-current={page === "admin" ? "page" : undefined}>
                  Organisations
                </a>
              </li>
            ) : null}
          </ul>
        </nav>
        <div class="who">
          <span data-testid="signed-in-as">
            {session.me.name} ({session.me.id})
          </span>
          <button
            type="button"
            onClick={() => onSignOut().catch(setSignOutError)}
            title="Deletes this browser's key: you will need a new key request or your key file"
          >
            Sign out
          </button>
        </div>
      </header>
      <ErrorNote error={signOutError} />
      <main id="main">{content}</main>
    </>
  );
}
