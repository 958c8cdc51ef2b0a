/**
 * The feed (DESIGN §16): every bulletin this organisation may see, newest change
 * first, with filters by category, chain, TLP, issuer and status, and live updates —
 * a bulletin published elsewhere appears within seconds, announced to screen readers.
 * A TLP:RED bulletin shows only that it exists: its content is read on its own page,
 * after a click.
 */
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { type FeedItem, hasContent } from "../../../cli/sdk/index.js";
import { CATEGORIES, TLPS } from "../../../shared/bulletins/schema.js";
import { CHAINS } from "../../../shared/indicators/types.js";
import type { PageProps } from "../app.js";
import { ErrorNote, PageTitle, Time, TlpBadge } from "../components/common.js";
import type { FeedSnapshot } from "../state/feed.js";
import { href } from "../state/route.js";

const STATUSES = ["active", "revoked", "superseded", "expired"] as const;
const SHOWN_AT_ONCE = 200;

interface Filters {
  category: string;
  chain: string;
  tlp: string;
  issuer: string;
  status: string;
}

const NO_FILTERS: Filters = { category: "", chain: "", tlp: "", issuer: "", status: "" };

export function useFeed(feed: PageProps["feed"]): FeedSnapshot {
  const [snapshot, setSnapshot] = useState(feed.current());
  useEffect(() => feed.subscribe(setSnapshot), [feed]);
  return snapshot;
}

function matches(item: FeedItem, filters: Filters): boolean {
  if (filters.issuer !== "" && item.issuer !== filters.issuer) return false;
  if (filters.status !== "" && item.status !== filters.status) return false;
  const tlp = hasContent(item) ? item.bulletin.tlp : item.tlp;
  if (filters.tlp !== "" && tlp !== filters.tlp) return false;
  if (filters.category === "" && filters.chain === "") return true;
  // A TLP:RED notice says nothing of its content, so content filters leave it out.
  if (!hasContent(item)) return false;
  if (filters.category !== "" && item.bulletin.category !== filters.category) return false;
  if (
    filters.chain !== "" &&
    !item.bulletin.indicators.some(
      (indicator) => "chain" in indicator && indicator.chain === filters.chain,
    )
  ) {
    return false;
  }
  return true;
}

export function FeedPage({ feed }: PageProps) {
  const snapshot = useFeed(feed);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [showAll, setShowAll] = useState(false);
  const seen = useRef<number | undefined>(undefined);
  const [announcement, setAnnouncement] = useState("");

  const issuers = useMemo(
    () => [...new Set(snapshot.items.map((item) => item.issuer))].sort(),
    [snapshot.items],
  );
  const shown = useMemo(
    () => snapshot.items.filter((item) => matches(item, filters)),
    [snapshot.items, filters],
  );

  useEffect(() => {
    if (!snapshot.caughtUp) return;
    if (seen.current !== undefined && snapshot.items.length > seen.current) {
      const count = snapshot.items.length - seen.current;
      setAnnouncement(`${count} new bulletin${count === 1 ? "" : "s"} in the feed.`);
    }
    seen.current = snapshot.items.length;
  }, [snapshot]);

  // Marks for the console's own figures (time to first render of the feed).
  useEffect(() => {
    if (
      snapshot.items.length > 0 &&
      performance.getEntriesByName("cordon:feed-first-rows").length === 0
    ) {
      performance.mark("cordon:feed-first-rows", { detail: snapshot.items.length });
    }
    if (snapshot.caughtUp && performance.getEntriesByName("cordon:feed-caught-up").length === 0) {
      performance.mark("cordon:feed-caught-up", { detail: snapshot.items.length });
    }
  }, [snapshot]);

  const set = (name: keyof Filters) => (event: Event) =>
    setFilters({ ...filters, [name]: (event.currentTarget as HTMLSelectElement).value });
  const visible = showAll ? shown : shown.slice(0, SHOWN_AT_ONCE);

  return (
    <section aria-labelledby="page-title">
      <PageTitle>Feed</PageTitle>
      <p class="visually-hidden" aria-live="polite" data-testid="feed-announcement">
        {announcement}
      </p>
      <form
        class="filters"
        aria-label="Filter the feed"
        onSubmit={(event) => event.preventDefault()}
      >
        <Select
          id="filter-category"
          label="Category"
          value={filters.category}
          options={CATEGORIES}
          onChange={set("category")}
        />
        <Select
          id="filter-chain"
          label="Chain"
          value={filters.chain}
          options={CHAINS}
          onChange={set("chain")}
        />
        <Select
          id="filter-tlp"
          label="TLP"
          value={filters.tlp}
          options={TLPS}
          onChange={set("tlp")}
        />
        <Select
          id="filter-issuer"
          label="Issuer"
          value={filters.issuer}
          options={issuers}
          onChange={set("issuer")}
        />
        <Select
          id="filter-status"
          label="Status"
          value={filters.status}
          options={STATUSES}
          onChange={set("status")}
        />
        <button type="button" onClick={() => setFilters(NO_FILTERS)}>
          Clear filters
        </button>
      </form>
      <ErrorNote error={snapshot.error} prefix="The feed could not be read:" />
      <p class="muted" data-testid="feed-count" aria-live="off">
        {snapshot.caughtUp ? "" : "Reading the feed… "}
        {shown.length} of {snapshot.items.length} bulletins
        {snapshot.caughtUp ? " · following live" : ""}
      </p>
      <ul class="feed" data-testid="feed">
        {visible.map((item) => (
          <FeedRow key={item.id} item={item} />
        ))}
      </ul>
      {shown.length > visible.length ? (
        <button type="button" onClick={() => setShowAll(true)}>
          Show all {shown.length}
        </button>
      ) : null}
    </section>
  );
}

function FeedRow({ item }: { item: FeedItem }) {
  const change = item.change;
  if (!hasContent(item)) {
    return (
      <li class="feed-item red" data-id={item.id} data-testid="feed-item">
        <p class="feed-head">
          <TlpBadge tlp="red" /> <span class={`status status-${item.status}`}>{item.status}</span>
        </p>
        <p class="feed-title">
          <a href={href("bulletins", item.id)}>TLP:RED bulletin from {item.issuer}: open to read</a>
        </p>
        <ChangeLine change={change} />
      </li>
    );
  }
  const payload = item.bulletin;
  return (
    <li class="feed-item" data-id={item.id} data-testid="feed-item">
      <p class="feed-head">
        <TlpBadge tlp={payload.tlp} />{" "}
        <span class="category">{payload.category.replace("_", " ")}</span>{" "}
        <span class={`status status-${item.status}`}>{item.status}</span>
      </p>
      <p class="feed-title">
        <a href={href("bulletins", item.id)}>{payload.title}</a>
      </p>
      <p class="muted">
        {item.issuer_name ?? item.issuer} · {payload.indicators.length} indicator
        {payload.indicators.length === 1 ? "" : "s"} · confidence {payload.confidence}
      </p>
      <ChangeLine change={change} />
    </li>
  );
}

function ChangeLine({ change }: { change: FeedItem["change"] }) {
  if (change === undefined) return null;
  return (
    <p class="muted change" data-kind={change.kind}>
      {change.kind} <Time at={change.at} /> · change #{change.seq}
    </p>
  );
}

export function Select({
  id,
  label,
  value,
  options,
  onChange,
  any = "Any",
}: {
  id: string;
  label: string;
  value: string;
  options: readonly string[];
  onChange: (event: Event) => void;
  any?: string;
}) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select id={id} value={value} onChange={onChange}>
        <option value="">{any}</option>
        {options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    </div>
  );
}
