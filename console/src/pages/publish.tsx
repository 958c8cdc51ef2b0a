/**
 * Publish (DESIGN §16): a form for a bulletin, with each indicator checked as it is
 * typed by the hub's own per-chain rules (shared/indicators), a box to paste many
 * addresses at once, TLP and audience pickers, and a preview of the exact payload
 * that is signed — in this browser, with the held key — when the analyst publishes.
 */
import { useMemo, useState } from "preact/hooks";
import { ulid } from "ulid";
import { parseLine } from "../../../cli/screen-input.js";
import {
  type BulletinPayload,
  completeBulletin,
  InputError,
  rfc3339Seconds,
} from "../../../cli/sdk/index.js";
import {
  AudienceEntrySchema,
  CATEGORIES,
  TLPS,
  type Tlp,
} from "../../../shared/bulletins/schema.js";
import { checkIndicator } from "../../../shared/indicators/indicator.js";
import { CHAINS } from "../../../shared/indicators/types.js";
import type { PageProps } from "../app.js";
import { ErrorNote, PageTitle, ScrollRegion, TlpBadge } from "../components/common.js";
import { navigate } from "../state/route.js";

type IndicatorType = "crypto_address" | "tx_hash" | "telegram_channel" | "channel";

interface IndicatorRow {
  key: number;
  type: IndicatorType;
  chain: string;
  platform: string;
  value: string;
  asset: string;
  role: string;
}

const PLATFORMS = ["x", "discord", "email", "website"];
const TYPE_LABELS: Record<IndicatorType, string> = {
  crypto_address: "Crypto address",
  tx_hash: "Transaction hash",
  telegram_channel: "Telegram channel",
  channel: "Other channel",
};

let nextKey = 1;
function emptyRow(type: IndicatorType = "crypto_address", chain = "tron"): IndicatorRow {
  return { key: nextKey++, type, chain, platform: "x", value: "", asset: "", role: "" };
}

function indicatorOf(row: IndicatorRow): Record<string, string> {
  switch (row.type) {
    case "crypto_address":
      return {
        type: row.type,
        chain: row.chain,
        address: row.value,
        ...(row.asset.trim() === "" ? {} : { asset: row.asset.trim() }),
        ...(row.role.trim() === "" ? {} : { role: row.role.trim() }),
      };
    case "tx_hash":
      return { type: row.type, chain: row.chain, hash: row.value };
    case "telegram_channel":
      return { type: row.type, value: row.value };
    case "channel":
      return { type: row.type, platform: row.platform, value: row.value };
  }
}

function rowOf(indicator: Record<string, string>): IndicatorRow {
  const row = emptyRow(indicator.type as IndicatorType, indicator.chain ?? "tron");
  row.value = indicator.address ?? indicator.hash ?? indicator.value ?? "";
  row.platform = indicator.platform ?? "x";
  return row;
}

export function PublishPage({ session, feed, query }: PageProps & { query: URLSearchParams }) {
  const [opened] = useState(() => ({ now: new Date() }));
  const [title, setTitle] = useState("");
  const [summary, setSummary] = useState("");
  const [category, setCategory] = useState("terrorist_financing");
  const [tlp, setTlp] = useState<Tlp>("amber");
  const [audience, setAudience] = useState<string[]>([]);
  const [audienceInput, setAudienceInput] = useState("");
  const [confidence, setConfidence] = useState("80");
  const [validUntil, setValidUntil] = useState("");
  const [supersedes] = useState(query.get("supersedes") ?? "");
  const [references, setReferences] = useState("");
  const [rows, setRows] = useState<IndicatorRow[]>([emptyRow()]);
  const [paste, setPaste] = useState("");
  const [pasteChain, setPasteChain] = useState("tron");
  const [pasteNote, setPasteNote] = useState("");
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  // Fixed while the form is open, so the preview is exactly what is signed.
  const [id] = useState(() => ulid(opened.now.getTime()));

  const audienceProblem =
    audienceInput.trim() !== "" && !AudienceEntrySchema.safeParse(audienceInput.trim()).success
      ? "An organisation id (e.g. binance) or group:<name> (e.g. group:central-banks)."
      : undefined;
  const suggestions = useMemo(
    () =>
      [...new Set(feed.current().items.map((item) => item.issuer))]
        .filter((org) => org !== session.me.id)
        .concat(["group:central-banks", "group:exchanges", "group:fius"]),
    [feed],
  );

  const addAudience = () => {
    const entry = audienceInput.trim();
    if (entry === "" || audienceProblem !== undefined || audience.includes(entry)) return;
    setAudience([...audience, entry]);
    setAudienceInput("");
  };

  const draft = {
    ...(supersedes === "" ? {} : { supersedes }),
    title,
    summary,
    category,
    tlp,
    ...(audience.length === 0 ? {} : { audience }),
    confidence: Number(confidence),
    valid_until: validUntil === "" ? null : `${validUntil}T00:00:00Z`,
    indicators: rows.map(indicatorOf),
    ...(references.trim() === ""
      ? {}
      : {
          references: references
            .split(",")
            .map((part) => part.trim())
            .filter(Boolean),
        }),
  };
  const preview = useMemo((): { payload?: BulletinPayload; problems: string[] } => {
    try {
      return {
        payload: completeBulletin(
          { id, issued_at: rfc3339Seconds(opened.now), ...draft },
          { issuer: session.me.id },
        ),
        problems: [],
      };
    } catch (caught) {
      if (caught instanceof InputError) {
        return {
          problems: caught.errors.map((field) => `${field.pointer || "/"}: ${field.message}`),
        };
      }
      return { problems: [String(caught)] };
    }
  }, [JSON.stringify(draft)]);

  const update = (key: number, change: Partial<IndicatorRow>) =>
    setRows(rows.map((row) => (row.key === key ? { ...row, ...change } : row)));

  const addPasted = () => {
    const added: IndicatorRow[] = [];
    const unread: string[] = [];
    for (const line of paste.split(/\r?\n/)) {
      const text = line.trim();
      if (text === "" || text.startsWith("#")) continue;
      const parsed = parseLine(text, { defaultChain: pasteChain });
      if (parsed.indicator === undefined) unread.push(text);
      else added.push(rowOf(parsed.indicator));
    }
    const kept = rows.filter((row) => row.value.trim() !== "");
    setRows([...kept, ...added]);
    setPaste("");
    setPasteNote(
      `Added ${added.length} indicator${added.length === 1 ? "" : "s"}` +
        (unread.length === 0
          ? "."
          : `; could not read ${unread.length}: ${unread.slice(0, 3).join(", ")}`),
    );
  };

  return (
    <section aria-labelledby="page-title">
      <PageTitle>Publish a bulletin</PageTitle>
      <form
        class="publish"
        onSubmit={(event) => {
          event.preventDefault();
          if (preview.payload === undefined) return;
          setBusy(true);
          setError(undefined);
          session.client
            .publish(preview.payload)
            .then((result) => navigate("bulletins", result.id), setError)
            .finally(() => setBusy(false));
        }}
      >
        {supersedes === "" ? null : (
          <p class="note">
            This bulletin supersedes {supersedes}: publishing it marks that one superseded.
          </p>
        )}
        <label for="publish-title">Title</label>
        <input
          id="publish-title"
          value={title}
          required
          maxLength={200}
          onInput={(e) => setTitle(e.currentTarget.value)}
        />
        <label for="publish-summary">Summary</label>
        <textarea
          id="publish-summary"
          value={summary}
          required
          onInput={(e) => setSummary(e.currentTarget.value)}
        />
        <div class="row">
          <div class="field">
            <label for="publish-category">Category</label>
            <select
              id="publish-category"
              value={category}
              onChange={(e) => setCategory(e.currentTarget.value)}
            >
              {CATEGORIES.map((c) => (
                <option key={c} value={c}>
                  {c.replace("_", " ")}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="publish-confidence">Confidence (0–100)</label>
            <input
              id="publish-confidence"
              type="number"
              min={0}
              max={100}
              value={confidence}
              onInput={(e) => setConfidence(e.currentTarget.value)}
            />
          </div>
          <div class="field">
            <label for="publish-valid-until">Valid until (optional)</label>
            <input
              id="publish-valid-until"
              type="date"
              value={validUntil}
              onInput={(e) => setValidUntil(e.currentTarget.value)}
            />
          </div>
        </div>

        <fieldset class="tlp-picker">
          <legend>Traffic Light Protocol</legend>
          {TLPS.map((level) => (
            <div class="check" key={level}>
              <input
                type="radio"
                id={`tlp-${level}`}
                name="tlp"
                value={level}
                checked={tlp === level}
                onChange={() => setTlp(level)}
              />
              <label for={`tlp-${level}`}>
                <TlpBadge tlp={level} />
              </label>
            </div>
          ))}
        </fieldset>

        <fieldset>
          <legend>
            Audience {tlp === "clear" || tlp === "green" ? "(optional)" : "(required for this TLP)"}
          </legend>
          <ul class="chips" aria-label="Audience">
            {audience.map((entry) => (
              <li key={entry}>
                {entry}{" "}
                <button
                  type="button"
                  aria-label={`Remove ${entry}`}
                  onClick={() => setAudience(audience.filter((a) => a !== entry))}
                >
                  ×
                </button>
              </li>
            ))}
          </ul>
          <label for="publish-audience">Add an organisation or group</label>
          <div class="inline">
            <input
              id="publish-audience"
              list="audience-suggestions"
              value={audienceInput}
              aria-invalid={audienceProblem !== undefined}
              aria-describedby="publish-audience-hint"
              onInput={(e) => setAudienceInput(e.currentTarget.value)}
              onKeyDown={(event) => {
                if (event.key === "Enter") {
                  event.preventDefault();
                  addAudience();
                }
              }}
            />
            <button type="button" onClick={addAudience}>
              Add
            </button>
          </div>
          <datalist id="audience-suggestions">
            {suggestions.map((s) => (
              <option key={s} value={s} />
            ))}
          </datalist>
          <p
            id="publish-audience-hint"
            class={audienceProblem === undefined ? "hint" : "hint error"}
          >
            {audienceProblem ??
              "An organisation id, or group:<name> for every member of a group. Enter adds it."}
          </p>
        </fieldset>

        <fieldset>
          <legend>Indicators ({rows.length})</legend>
          {rows.map((row, index) => (
            <IndicatorEditor
              key={row.key}
              row={row}
              index={index}
              onChange={(change) => update(row.key, change)}
              onRemove={
                rows.length > 1 ? () => setRows(rows.filter((r) => r.key !== row.key)) : undefined
              }
            />
          ))}
          <button type="button" onClick={() => setRows([...rows, emptyRow()])}>
            Add an indicator
          </button>
          <details>
            <summary>Paste many addresses</summary>
            <label for="publish-paste">
              One per line: chain:address, tron,T…, telegram:name, or a bare address of the chain
              below
            </label>
            <textarea
              id="publish-paste"
              rows={6}
              value={paste}
              onInput={(e) => setPaste(e.currentTarget.value)}
            />
            <label for="publish-paste-chain">Chain of bare addresses</label>
            <select
              id="publish-paste-chain"
              value={pasteChain}
              onChange={(e) => setPasteChain(e.currentTarget.value)}
            >
              {CHAINS.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
            <button type="button" onClick={addPasted}>
              Add these
            </button>
            <p role="status">{pasteNote}</p>
          </details>
        </fieldset>

        <label for="publish-references">References (optional, comma-separated)</label>
        <input
          id="publish-references"
          value={references}
          onInput={(e) => setReferences(e.currentTarget.value)}
        />

        <section aria-labelledby="preview-title" class="preview">
          <h2 id="preview-title">Preview of the signed payload</h2>
          {preview.payload === undefined ? (
            <ul class="problems" data-testid="publish-problems">
              {preview.problems.map((problem) => (
                <li key={problem}>{problem}</li>
              ))}
            </ul>
          ) : (
            <ScrollRegion label="Payload to sign" className="scroll-box">
              <pre class="json" data-testid="publish-preview">
                {JSON.stringify(preview.payload, null, 2)}
              </pre>
            </ScrollRegion>
          )}
        </section>
        <ErrorNote error={error} />
        <button type="submit" class="primary" disabled={busy || preview.payload === undefined}>
          Sign and publish
        </button>
      </form>
    </section>
  );
}

function IndicatorEditor({
  row,
  index,
  onChange,
  onRemove,
}: {
  row: IndicatorRow;
  index: number;
  onChange: (change: Partial<IndicatorRow>) => void;
  onRemove: (() => void) | undefined;
}) {
  const check = row.value.trim() === "" ? undefined : checkIndicator(indicatorOf(row));
  const base = `indicator-${row.key}`;
  const n = index + 1;
  return (
    <div class="indicator-row" data-testid="indicator-row">
      <div class="field">
        <label for={`${base}-type`}>Indicator {n} type</label>
        <select
          id={`${base}-type`}
          value={row.type}
          onChange={(e) => onChange({ type: e.currentTarget.value as IndicatorType })}
        >
          {Object.entries(TYPE_LABELS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </div>
      {row.type === "crypto_address" || row.type === "tx_hash" ? (
        <div class="field">
          <label for={`${base}-chain`}>Indicator {n} chain</label>
          <select
            id={`${base}-chain`}
            value={row.chain}
            onChange={(e) => onChange({ chain: e.currentTarget.value })}
          >
            {CHAINS.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      {row.type === "channel" ? (
        <div class="field">
          <label for={`${base}-platform`}>Indicator {n} platform</label>
          <select
            id={`${base}-platform`}
            value={row.platform}
            onChange={(e) => onChange({ platform: e.currentTarget.value })}
          >
            {PLATFORMS.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      <div class="field grow">
        <label for={`${base}-value`}>
          Indicator {n}{" "}
          {row.type === "crypto_address" ? "address" : row.type === "tx_hash" ? "hash" : "value"}
        </label>
        <input
          id={`${base}-value`}
          class="mono"
          value={row.value}
          spellcheck={false}
          autoComplete="off"
          aria-invalid={check?.ok === false}
          aria-describedby={`${base}-check`}
          onInput={(e) => onChange({ value: e.currentTarget.value })}
        />
        <p
          id={`${base}-check`}
          class={check?.ok === false ? "hint error" : "hint"}
          data-testid="indicator-check"
          aria-live="polite"
        >
          {check === undefined
            ? ""
            : check.ok
              ? `✓ ${check.normalised}`
              : `✗ ${check.error.message}`}
        </p>
      </div>
      {row.type === "crypto_address" ? (
        <>
          <div class="field small">
            <label for={`${base}-asset`}>Asset</label>
            <input
              id={`${base}-asset`}
              value={row.asset}
              onInput={(e) => onChange({ asset: e.currentTarget.value })}
            />
          </div>
          <div class="field small">
            <label for={`${base}-role`}>Role</label>
            <input
              id={`${base}-role`}
              value={row.role}
              onInput={(e) => onChange({ role: e.currentTarget.value })}
            />
          </div>
        </>
      ) : null}
      {onRemove === undefined ? null : (
        <button
          type="button"
          class="remove"
          onClick={onRemove}
          aria-label={`Remove indicator ${n}`}
        >
          Remove
        </button>
      )}
    </div>
  );
}
