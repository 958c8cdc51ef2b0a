/**
 * Screening (DESIGN §16): paste or upload a list or CSV of up to 100,000 addresses,
 * read with the CLI's own reader (cli/screen-input.ts); screen it through the SDK in
 * batches of 1,000 with progress shown (a 429 is waited out as the hub's Retry-After
 * says); results with hits first; download as CSV, the same CSV `cordon screen
 * --output csv` writes. From a hit, one click leads to the bulletin and its sighting
 * form.
 */
import { useRef, useState } from "preact/hooks";
import { parseScreenInput, type ScreenInput } from "../../../cli/screen-input.js";
import { type ScreenRow, screenCsvLines, toRows } from "../../../cli/screen-results.js";
import { SCREEN_BATCH_LIMIT } from "../../../cli/sdk/index.js";
import { CHAINS } from "../../../shared/indicators/types.js";
import type { PageProps } from "../app.js";
import {
  downloadText,
  ErrorNote,
  PageTitle,
  ScrollRegion,
  TlpBadge,
} from "../components/common.js";
import { href } from "../state/route.js";

export const MAX_SCREEN_ENTRIES = 100_000;
const OTHERS_SHOWN = 100;

interface Outcome {
  rows: ScreenRow[];
  table: Pick<ScreenInput, "columns" | "delimiter">;
  seconds: number;
}

export function ScreeningPage({ session }: PageProps) {
  const [text, setText] = useState("");
  const [file, setFile] = useState<File>();
  const [chain, setChain] = useState("tron");
  const [progress, setProgress] = useState<{ done: number; total: number }>();
  const [outcome, setOutcome] = useState<Outcome>();
  const [error, setError] = useState<unknown>();
  const [showAll, setShowAll] = useState(false);
  const running = useRef<AbortController | undefined>(undefined);

  const start = async () => {
    setError(undefined);
    setOutcome(undefined);
    setShowAll(false);
    const source = file === undefined ? text : await file.text();
    const input = parseScreenInput(source, chain === "" ? {} : { defaultChain: chain });
    if (input.entries.length === 0) {
      setError(new Error("There is nothing to screen: paste addresses or choose a file."));
      return;
    }
    if (input.entries.length > MAX_SCREEN_ENTRIES) {
      setError(
        new Error(
          `At most ${MAX_SCREEN_ENTRIES.toLocaleString("en")} lines at a time; this has ${input.entries.length.toLocaleString("en")}.`,
        ),
      );
      return;
    }
    const readable = input.entries.filter((entry) => entry.indicator !== undefined);
    const controller = new AbortController();
    running.current = controller;
    const began = performance.now();
    setProgress({ done: 0, total: readable.length });
    try {
      const results = await session.client.screen(
        readable.map((entry) => entry.indicator ?? {}),
        {
          batchSize: SCREEN_BATCH_LIMIT,
          signal: controller.signal,
          onProgress: (done, total) => setProgress({ done, total }),
        },
      );
      const rows = toRows(input.entries, results);
      // Hits first; within each group, file order.
      const rank = (row: ScreenRow) =>
        row.status === "hit" ? 0 : row.status === "invalid" ? 1 : 2;
      rows.sort((a, b) => rank(a) - rank(b) || a.line - b.line);
      setOutcome({
        rows,
        table: { columns: input.columns, delimiter: input.delimiter },
        seconds: (performance.now() - began) / 1000,
      });
    } catch (caught) {
      if (!controller.signal.aborted) setError(caught);
    } finally {
      running.current = undefined;
      setProgress(undefined);
    }
  };

  const hits = outcome?.rows.filter((row) => row.status === "hit") ?? [];
  const invalid = outcome?.rows.filter((row) => row.status === "invalid").length ?? 0;
  const others = outcome?.rows.filter((row) => row.status !== "hit") ?? [];
  const shownOthers = showAll ? others : others.slice(0, OTHERS_SHOWN);

  return (
    <section aria-labelledby="page-title">
      <PageTitle>Screening</PageTitle>
      <p>
        Check deposit addresses (or any indicators) against every bulletin your organisation may
        see. One per line (<code>tron:T…</code>, <code>ethereum,0x…</code>,{" "}
        <code>telegram:name</code>, or a bare address of the chain below), or a CSV with an{" "}
        <code>address</code> column.
      </p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void start();
        }}
      >
        <label for="screen-text">Addresses to screen</label>
        <textarea
          id="screen-text"
          rows={8}
          class="mono"
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
          disabled={file !== undefined}
        />
        <label for="screen-file">Or a file (CSV or text, up to 100,000 lines)</label>
        <input
          id="screen-file"
          type="file"
          accept=".csv,.txt,.tsv,text/csv,text/plain"
          onChange={(e) => setFile(e.currentTarget.files?.[0])}
        />
        <label for="screen-chain">Chain of bare addresses</label>
        <select id="screen-chain" value={chain} onChange={(e) => setChain(e.currentTarget.value)}>
          <option value="">none (every line names its chain)</option>
          {CHAINS.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
        <div class="actions">
          <button type="submit" class="primary" disabled={progress !== undefined}>
            Screen
          </button>
          {progress === undefined ? null : (
            <button type="button" onClick={() => running.current?.abort()}>
              Stop
            </button>
          )}
        </div>
      </form>
      {progress === undefined ? null : (
        <div class="progress" data-testid="screen-progress">
          <label for="screen-progress-bar">Screened</label>
          <progress
            id="screen-progress-bar"
            max={Math.max(progress.total, 1)}
            value={progress.done}
          />
          <span role="status">
            {progress.done.toLocaleString("en")} of {progress.total.toLocaleString("en")}
          </span>
        </div>
      )}
      <ErrorNote error={error} />
      {outcome === undefined ? null : (
        <section aria-labelledby="results-title">
          <h2 id="results-title">Results</h2>
          <p role="status" data-testid="screen-summary" data-seconds={outcome.seconds.toFixed(3)}>
            Screened {outcome.rows.length.toLocaleString("en")}:{" "}
            <strong>
              {hits.length} hit{hits.length === 1 ? "" : "s"}
            </strong>
            , {invalid} invalid,{" "}
            {(outcome.rows.length - hits.length - invalid).toLocaleString("en")} clean, in{" "}
            {outcome.seconds.toFixed(1)} s.
          </p>
          <button
            type="button"
            onClick={() =>
              downloadText(
                "screening-results.csv",
                `${screenCsvLines(outcome.rows, outcome.table).join("\n")}\n`,
                "text/csv",
              )
            }
          >
            Download results as CSV
          </button>
          <ScrollRegion labelledBy="results-title">
            <table data-testid="screen-results">
              <thead>
                <tr>
                  <th scope="col">Line</th>
                  <th scope="col">Input</th>
                  <th scope="col">Result</th>
                  <th scope="col">Bulletins</th>
                </tr>
              </thead>
              <tbody>
                {[...hits, ...shownOthers].map((row) => (
                  <tr key={row.line} class={`result-${row.status}`} data-status={row.status}>
                    <td>{row.line}</td>
                    <td class="mono">{row.input}</td>
                    <td>
                      {row.status === "hit" ? <strong>HIT ({row.match_count})</strong> : row.status}
                    </td>
                    <td>
                      {row.status === "invalid"
                        ? row.error?.message
                        : row.matches.map((match) => (
                            <span key={match.id} class="match">
                              <TlpBadge tlp={match.tlp} />{" "}
                              <a href={href("bulletins", match.id)}>{match.id}</a> (
                              {match.category.replace("_", " ")}, {match.issuer}){" "}
                              <a
                                href={`${href("bulletins", match.id)}?indicator=${encodeURIComponent(row.normalised ?? "")}`}
                              >
                                Report sighting
                                <span class="visually-hidden"> of line {row.line}</span>
                              </a>
                            </span>
                          ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollRegion>
          {others.length > shownOthers.length ? (
            <button type="button" onClick={() => setShowAll(true)}>
              Show all {others.length.toLocaleString("en")} other lines
            </button>
          ) : null}
        </section>
      )}
    </section>
  );
}
