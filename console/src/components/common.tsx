/** Small pieces every page uses: TLP marks, notices, errors, verification marks, times. */
import type { ComponentChildren } from "preact";
import type { Tlp } from "../../../cli/sdk/index.js";
import { describeError } from "../state/session.js";

const TLP_TEXT: Record<Tlp, string> = {
  clear: "TLP:CLEAR",
  green: "TLP:GREEN",
  amber: "TLP:AMBER",
  "amber+strict": "TLP:AMBER+STRICT",
  red: "TLP:RED",
};

const TLP_MEANING: Record<Tlp, string> = {
  clear: "may be shared freely.",
  green: "may be shared within the community, not publicly.",
  amber: "for the recipients' organisations and their clients who need to know.",
  "amber+strict": "for the recipients' organisations only.",
  red: "for the named recipients only: do not share, do not copy.",
};

export function tlpClass(tlp: Tlp): string {
  return `tlp tlp-${tlp.replace("+", "-")}`;
}

export function TlpBadge({ tlp }: { tlp: Tlp }) {
  return <span class={tlpClass(tlp)}>{TLP_TEXT[tlp]}</span>;
}

export function TlpBanner({ tlp }: { tlp: Tlp }) {
  return (
    <p class={`tlp-banner ${tlpClass(tlp)}`}>
      <strong>{TLP_TEXT[tlp]}</strong> — {TLP_MEANING[tlp]}
    </p>
  );
}

export function ErrorNote({ error, prefix }: { error: unknown; prefix?: string }) {
  if (error === undefined || error === null) return null;
  return (
    <p class="note error" role="alert">
      {prefix === undefined ? "" : `${prefix} `}
      {describeError(error)}
    </p>
  );
}

export function NotAvailable({ what }: { what: string }) {
  return (
    <p class="note muted" data-testid="not-available">
      {what}: not available on this hub.
    </p>
  );
}

export type MarkState = "pending" | "ok" | "bad" | "warn" | "unavailable";

const MARK_SYMBOL: Record<MarkState, string> = {
  pending: "…",
  ok: "✓",
  bad: "✗",
  warn: "!",
  unavailable: "–",
};

/** One verification mark: its state as a symbol and in words, never by colour alone. */
export function Mark({
  state,
  label,
  children,
  testId,
}: {
  state: MarkState;
  label: string;
  children?: ComponentChildren;
  testId?: string;
}) {
  return (
    <li class={`mark mark-${state}`} data-state={state} data-testid={testId}>
      <span class="mark-symbol" aria-hidden="true">
        {MARK_SYMBOL[state]}
      </span>
      <span>
        <strong>{label}</strong>
        <span class="visually-hidden"> ({state === "ok" ? "verified" : state})</span>
        {children === undefined ? null : <>: {children}</>}
      </span>
    </li>
  );
}

export function Time({ at }: { at: string | null | undefined }) {
  if (at === null || at === undefined) return <span>—</span>;
  const date = new Date(at);
  const text = Number.isNaN(date.getTime())
    ? at
    : date
        .toISOString()
        .replace("T", " ")
        .replace(/\.\d+Z$/, "Z")
        .replace(/Z$/, " UTC");
  return <time dateTime={at}>{text}</time>;
}

/**
 * A box that scrolls (a wide table, a long JWS) and can be focused, so keyboard users
 * can scroll it too (axe: scrollable-region-focusable); named, so it is a region.
 */
export function ScrollRegion({
  label,
  labelledBy,
  className = "table-scroll",
  children,
}: {
  label?: string;
  labelledBy?: string;
  className?: string;
  children: ComponentChildren;
}) {
  return (
    <section
      class={className}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must take focus to be scrolled by keyboard
      tabIndex={0}
      {...(labelledBy === undefined ? { "aria-label": label } : { "aria-labelledby": labelledBy })}
    >
      {children}
    </section>
  );
}

export function PageTitle({ children }: { children: ComponentChildren }) {
  return (
    <h1 tabIndex={-1} id="page-title">
      {children}
    </h1>
  );
}

/** Offers text as a file download (a Blob URL: nothing leaves the browser). */
export function downloadText(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function readFileText(file: File): Promise<string> {
  return file.text();
}
