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
    lines.push(
      `${c.red("Error:")} ${problem?.title ?? "The hub refused the request"} (HTTP ${error.status})`,
    );
    if (problem?.detail) lines.push(`  ${problem.detail}`);
    for (const field of error.errors)
      lines.push(`  ${c.bold(field.pointer || "/")}: ${field.message}`);
    const hint = hintFor(error);
    if (hint !== undefined) lines.push(c.dim(`  ${hint}`));
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

function hintFor(error: CordonApiError): string | undefined {
  switch (error.status) {
    case 401:
      return "The hub did not accept the request's signature: check --org, the key file (is the key registered and not revoked?), the audience (--audience) and this machine's clock.";
    case 403:
      return "Your organisation lacks the role this needs (see `cordon me`).";
    case 404:
      return error.kind === "route-not-found"
        ? "This hub does not offer that route (an older hub version?)."
        : undefined;
    default:
      return undefined;
  }
}

/** fetch() fails with a TypeError whose cause is the socket error. */
function isUnreachable(error: unknown): boolean {
  return error instanceof TypeError && error.message === "fetch failed";
}

function causeMessage(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? String(error);
}
