/**
 * Sightings of one's own bulletins (DESIGN §16): for each bulletin this organisation
 * published, what others reported seeing — anonymous (a pseudonym) unless they said
 * who they are. The hub lists sightings per bulletin, so the page asks for the newest
 * bulletins first, a few at a time, showing each answer as it comes, and asks for
 * older ones on request.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { hasContent, type Sighting } from "../../../cli/sdk/index.js";
import type { PageProps } from "../app.js";
import { ErrorNote, PageTitle, TlpBadge } from "../components/common.js";
import { href } from "../state/route.js";
import { SightingsTable } from "./bulletin.js";
import { useFeed } from "./feed.js";

const AT_ONCE = 4;
const PER_STEP = 50;

type Found = Sighting[] | { error: unknown };

export function SightingsPage({ session, feed }: PageProps) {
  const snapshot = useFeed(feed);
  const mine = snapshot.items.filter((item) => item.issuer === session.me.id && hasContent(item));
  const [limit, setLimit] = useState(PER_STEP);
  const [found, setFound] = useState<Record<string, Found>>({});
  const asked = useRef(new Set<string>());
  const wanted = mine.slice(0, limit).map((item) => item.id);

  useEffect(() => {
    let stopped = false;
    const queue = wanted.filter((id) => !asked.current.has(id));
    for (const id of queue) asked.current.add(id);
    const worker = async () => {
      for (let id = queue.shift(); id !== undefined && !stopped; id = queue.shift()) {
        let answer: Found;
        try {
          answer = (await session.client.listSightings(id, { limit: 100 })).items;
        } catch (error) {
          answer = { error };
        }
        const settled = id;
        if (!stopped) setFound((before) => ({ ...before, [settled]: answer }));
      }
    };
    void Promise.all(Array.from({ length: AT_ONCE }, worker));
    return () => {
      stopped = true;
      // What was not asked yet is asked again by the next run.
      for (const id of queue) asked.current.delete(id);
    };
  }, [wanted.join(","), session]);

  const checked = wanted.filter((id) => found[id] !== undefined).length;
  const withSightings = mine.filter((item) => {
    const entry = found[item.id];
    return entry !== undefined && (!Array.isArray(entry) || entry.length > 0);
  });

  return (
    <section aria-labelledby="page-title">
      <PageTitle>Sightings of your bulletins</PageTitle>
      {!session.me.roles.includes("publish") ? (
        <p>Your organisation does not publish bulletins.</p>
      ) : null}
      <p class="muted" role="status">
        Checked {checked} of your {mine.length} bulletin{mine.length === 1 ? "" : "s"} (newest
        first); {withSightings.length} with sightings.
      </p>
      {withSightings.map((item) => {
        const entry = found[item.id];
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
      {mine.length > limit ? (
        <button type="button" onClick={() => setLimit(limit + PER_STEP)}>
          Check {Math.min(PER_STEP, mine.length - limit)} older bulletins
        </button>
      ) : null}
    </section>
  );
}
