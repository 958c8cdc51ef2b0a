/**
 * What every answer of the hub must look like, whatever was asked (DESIGN §7, §9):
 * never a 5xx, errors as problem+json with `status` equal to the HTTP status, a 422
 * naming at least one field, a 405 with Allow, nothing in any body that betrays the
 * implementation (stack frames, file paths), and an answer within a bound: a second,
 * or more on a busy machine (the hostile harness calibrates it against an ordinary
 * heavy request in the same run, so no input can make the hub pathologically slow).
 * The two refusals API Gateway answers itself (DESIGN §7) are its plain JSON, exactly.
 */
import { GATEWAY_ANSWERS } from "../../local/http-api-event.js";
import type { RawAnswer } from "./raw-http.js";

/**
 * A second, on the embedded DynamoDB. Against $CORDON_DYNAMODB_ENDPOINT (the DynamoDB
 * Local lane) the store's own latency is a JVM's, still compiling itself while the
 * suites run (a 1,000-indicator screen took 1,011 ms there and 240–410 ms on dynalite
 * under the same load), so that lane checks answers against three: it is there for
 * compatibility, and the dynalite lanes keep the one-second promise.
 */
export const SLOWEST_ANSWER_MS = process.env.CORDON_DYNAMODB_ENDPOINT ? 3000 : 1000;

/** Marks of a leaked stack trace or source path. */
const LEAK_PATTERNS: readonly RegExp[] = [
  /\bat\s+[\w$.<>]+\s+\(/, // "at fn (" — a stack frame
  /\bat\s+(?:file:\/\/|\/|node:)/, // "at /path" — an anonymous frame
  /node:internal/,
  /node_modules/,
  /file:\/\//,
  /(?:^|[\s"'(])\/(?:[\w.-]+\/)+[\w.-]+\.(?:[cm]?[jt]s|json)\b/, // an absolute source path
  /\b(?:[\w-]+\/)+[\w-]+\.[cm]?ts:\d+/, // a relative source path with a line number
  /\b(?:TypeError|ReferenceError|SyntaxError|RangeError):/,
  /ValidationException|ConditionalCheckFailed|ResourceNotFoundException/,
];

/** The ways `answer` breaks the contract; empty when it keeps it. */
export function contractViolations(answer: RawAnswer, slowestMs = SLOWEST_ANSWER_MS): string[] {
  const violations: string[] = [];
  if (answer.status >= 500) violations.push(`answered ${answer.status}`);
  if (answer.ms > slowestMs) violations.push(`took ${Math.round(answer.ms)} ms`);
  for (const pattern of LEAK_PATTERNS) {
    if (pattern.test(answer.text)) violations.push(`body matches ${pattern}: ${answer.text}`);
  }
  if (answer.status >= 400 && !isGatewayAnswer(answer))
    violations.push(...problemViolations(answer));
  return violations;
}

/** One of API Gateway's own refusals (a path it cannot decode, a body over 10 MiB), which the hub never saw. */
export function isGatewayAnswer(answer: RawAnswer): boolean {
  const type = String(answer.headers["content-type"] ?? "");
  return Object.values(GATEWAY_ANSWERS).some(
    (gateway) =>
      gateway.status === answer.status &&
      gateway.body === answer.text &&
      type.startsWith("application/json"),
  );
}

function problemViolations(answer: RawAnswer): string[] {
  const violations: string[] = [];
  const type = String(answer.headers["content-type"] ?? "");
  if (!type.startsWith("application/problem+json"))
    violations.push(`a ${answer.status} with content-type "${type}"`);
  const problem = answer.json as Record<string, unknown> | undefined;
  if (typeof problem !== "object" || problem === null || Array.isArray(problem)) {
    violations.push(`a ${answer.status} whose body is not a JSON object: ${answer.text}`);
    return violations;
  }
  for (const member of ["type", "title", "detail"]) {
    if (typeof problem[member] !== "string" || problem[member] === "")
      violations.push(`problem.${member} is missing: ${answer.text}`);
  }
  if (problem.status !== answer.status)
    violations.push(`problem.status ${String(problem.status)} ≠ HTTP ${answer.status}`);
  if (answer.status === 422) {
    const errors = problem.errors;
    if (
      !Array.isArray(errors) ||
      errors.length === 0 ||
      !errors.every(
        (e: unknown) =>
          typeof e === "object" &&
          e !== null &&
          typeof (e as { pointer?: unknown }).pointer === "string" &&
          typeof (e as { message?: unknown }).message === "string",
      )
    )
      violations.push(`a 422 without errors[{pointer, message}]: ${answer.text}`);
  }
  if (answer.status === 405 && answer.headers.allow === undefined)
    violations.push("a 405 without Allow");
  if (answer.status === 401 && answer.headers["www-authenticate"] === undefined)
    violations.push("a 401 without WWW-Authenticate");
  return violations;
}
