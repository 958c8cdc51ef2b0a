/**
 * How the CLI explains a failure: the hub's problem (title, detail and each
 * `pointer: message`), a refused input the same way, a hub that cannot be reached in
 * words that say what to check — never a stack trace.
 */
import { SignatureError } from "../shared/signatures/errors.js";
import type { Printer } from "./io.js";
import { CordonApiError, CordonSdkError, InputError } from "./sdk/errors.js";

export function reportError(print: Printer, error: unknown, hubUrl?: string): void {
  const c = print.err;
  const lines: string[] = [];
  if (error instanceof CordonApiError) {
    const problem = error.problem;
    const reason = problem?.code === undefined ? "" : `, ${problem.code}`;
    lines.push(
      `${c.red("Error:")} ${problem?.title ?? "The hub refused the request"} (HTTP ${error.status}${reason})`,
    );
    // A 422 about one field says the same in its detail and its one error: say it once.
    const fieldMessages = new Set(error.errors.map((field) => field.message));
    if (problem?.detail && !fieldMessages.has(problem.detail)) lines.push(`  ${problem.detail}`);
    for (const field of error.errors)
      lines.push(`  ${c.bold(field.pointer || "/")}: ${field.message}`);
    for (const hint of hintsFor(error, hubUrl)) lines.push(c.dim(`  ${hint}`));
  } else if (error instanceof InputError) {
    lines.push(`${c.red("Error:")} ${error.message}`);
    for (const field of error.errors)
      lines.push(`  ${c.bold(field.pointer || "/")}: ${field.message}`);
  } else if (error instanceof CordonSdkError || error instanceof SignatureError) {
    lines.push(`${c.red("Error:")} ${error.message}`);
  } else if (isUnreachable(error)) {
    lines.push(
      `${c.red("Error:")} cannot reach the hub${hubUrl === undefined ? "" : ` at ${hubUrl}`}: ${causeMessage(error)}`,
      c.dim(
        "  Check the hub URL (--hub, CORDON_HUB_URL or your profile) and that the hub is running.",
      ),
    );
  } else {
    lines.push(`${c.red("Error:")} ${error instanceof Error ? error.message : String(error)}`);
  }
  print.io.stderr.write(`${lines.join("\n")}\n`);
}

function hintsFor(error: CordonApiError, hubUrl: string | undefined): string[] {
  switch (error.status) {
    case 401:
      return unauthenticatedHints(error, hubUrl);
    case 403:
      return ["Your organisation lacks the role this needs (see `cordon me`)."];
    case 404:
      return error.kind === "route-not-found"
        ? ["This hub does not offer that route (an older hub version?)."]
        : [];
    default:
      return [];
  }
}

/** What to do about each refused token (DESIGN §15 codes). */
function unauthenticatedHints(error: CordonApiError, hubUrl: string | undefined): string[] {
  switch (error.code) {
    case "token_expired":
    case "token_not_yet_valid":
      return [...clockLines(error), "Set this machine's clock right (NTP), then try again."];
    case "audience_mismatch":
      return [
        `Use the audience of the hub${hubUrl === undefined ? "" : ` at ${hubUrl}`}: --audience, CORDON_AUDIENCE or your profile's "audience" (a local hub: cordon; a deployed one: its URL).`,
      ];
    case "credentials_rejected":
      return [
        "Check --org (CORDON_ORG or your profile), that the key file is the one registered " +
          "(`cordon me` with another key, or ask the operator: `cordon admin org show ID`), that the " +
          "key was not revoked, and that your organisation is not suspended.",
      ];
    case "token_replayed":
      return [
        "Each request needs a fresh token; `cordon` signs one per request, so just try again.",
      ];
    case "token_malformed":
    case "token_lifetime_too_long":
    case "request_binding_mismatch":
      return [
        "`cordon` and the SDK sign tokens correctly: a proxy that changes the method, path, query or body would cause this.",
      ];
    default:
      return [
        "The hub did not accept the request's signature: check --org, the key file (registered, not revoked?), the audience (--audience) and this machine's clock.",
      ];
  }
}

/** The hub's time and how far this machine's clock is from it. */
function clockLines(error: CordonApiError): string[] {
  if (error.hubTime === undefined || error.clockOffsetSeconds === undefined) return [];
  const offset = error.clockOffsetSeconds;
  const how =
    offset === 0
      ? "agrees with it"
      : `is ${Math.abs(offset)} s ${offset > 0 ? "ahead of" : "behind"} it`;
  return [`The hub's clock reads ${error.hubTime.toISOString()}; this machine's clock ${how}.`];
}

/** fetch() fails with a TypeError whose cause is the socket error. */
function isUnreachable(error: unknown): boolean {
  return error instanceof TypeError && error.message === "fetch failed";
}

function causeMessage(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? String(error);
}
