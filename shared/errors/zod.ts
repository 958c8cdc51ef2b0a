/** Turns zod issues into the `errors: [{pointer, message}]` of a 422. */
import type { z } from "zod";
import { toPointer } from "../json/strict-json.js";
import { type FieldError, ValidationError } from "./errors.js";

const MAX_FIELD_ERRORS = 100;

/**
 * The JSON pointer of the member an issue is about. zod reports an unknown member on
 * its containing object; this points at the (first) unknown member itself.
 */
export function issuePointer(issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys" && issue.keys[0] !== undefined) {
    return toPointer([...issue.path, issue.keys[0]]);
  }
  return toPointer(issue.path);
}

export function fieldErrorsOf(error: z.ZodError, base = ""): FieldError[] {
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  for (const issue of error.issues) {
    const pointer = base + issuePointer(issue);
    const key = `${pointer}\u0000${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    errors.push({ pointer, message: issue.message });
    if (errors.length === MAX_FIELD_ERRORS) break;
  }
  return errors;
}

/** Parses with `schema` or throws a ValidationError naming each bad field. */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  input: unknown,
  detail?: string,
): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationError(fieldErrorsOf(result.error), detail);
}
