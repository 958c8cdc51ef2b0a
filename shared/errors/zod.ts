/** Turns zod issues into the `errors: [{pointer, message}]` of a 422. */
import type { z } from "zod";
import { toPointer } from "../json/strict-json.js";
import { type FieldError, ValidationError } from "./errors.js";

const MAX_FIELD_ERRORS = 100;

export function fieldErrorsOf(error: z.ZodError, base = ""): FieldError[] {
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  for (const issue of error.issues) {
    const pointer = base + toPointer(issue.path);
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
