/**
 * Sightings of one's own bulletins (DESIGN §16): for each bulletin this organisation
 * published, what others reported seeing — anonymous (a pseudonym) unless they said
 * who they are. Read a few bulletins at a time, and again when the feed changes.
 */
import { useEffect, useState } from "preact/hooks";
import { hasContent, type Sighting } from "../../../cli/sdk/index.js";
import type { PageProps } from "../app.js";
import { ErrorNote, PageTitle, TlpBadge } from "../components/common.js";
import { href } from "../state/route.js";
import { SightingsTable } from "./bulletin.js";
import { useFeed } from "./feed.js";

const AT_ONCE = 4;

export function SightingsPage({ session, feed }: PageProps) {
  const snapshot = useFeed(feed);
  const mine = snapshot.items.filter((item) => item.issuer === session.me.id && hasContent(item));
  const [sightings, setSightings] = useState<Record<string, Sighting[] | { error: unknown }>>({});
  const ids = mine.map((item) => item.id).join(",");

  useEffect(() => {
    let stopped = false;
    void (async () => {
      const queue = mine.map((item) => item.id);
      const found: Record<string, Sighting[] | { error: unknown }> = {};
      const worker = async () => {
        for (let id = queue.shift(); id !== undefined && !stopped; id = queue.shift()) {
          try {
            found[id] = (await session.client.listSightings(id, { limit: 100 })).items;
          } catch (error) {
            found[id] = { error };
          }
        }
      };
      await Promise.all(Array.from({ length: AT_ONCE }, worker));
      if (!stopped) setSightings(found);
    })();
    return () => {
      stopped = true;
    };
  }, [ids, session]);

  const withSightings = mine.filter((item) => {
    const entry = sightings[item.id];
    return entry !== undefined && (!Array.isArray(entry) || entry.length > 0);
  });

  return (
    <section aria-labelledby="page-title">
      <PageTitle>Sightings of your bulletins</PageTitle>
      {!session.me.roles.includes("publish") ? (
        <p>Your organisation does not publish bulletins.</p>
      ) : null}
      <p class="muted">
        {mine.length} bulletin{mine.length === 1 ? "" : "s"} published by {session.me.id};{" "}
        {withSightings.length} with sightings.
      </p>
      {withSightings.map((item) => {
        const entry = sightings[item.id];
        const title = hasContent(item) ? item.bulletin.title : item.id;
        return (
          <section
            key={item.id}
            aria-label={`Sightings of ${title}`}
            class="card"
            data-testid="sightings-of"
          >
            <h2>
              {hasContent(item) ? <TlpBadge tlp={item.bulletin.tlp} /> : null}{" "}
              <a href={href("bulletins", item.id)}>{title}</a>
            </h2>
            {Array.isArray(entry) ? (
              <SightingsTable sightings={entry} />
            ) : (
              <ErrorNote error={entry?.error} />
            )}
          </section>
        );
      })}
    </section>
  );
}
