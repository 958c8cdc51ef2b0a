/**
 * Turning what a publisher wrote into the payload it signs: fills `id` (a new ULID),
 * `issuer` and `issued_at` when absent, and checks the result with the hub's own
 * schema so mistakes are reported with the same JSON pointers before anything is sent.
 * The payload signed is the publisher's text as written, never the schema's output
 * (which trims strings): the signature must cover what the publisher meant.
 */
import { ulid } from "ulid";
import { type BulletinPayload, BulletinPayloadSchema } from "../../shared/bulletins/schema.js";
import { fieldErrorsOf } from "../../shared/errors/zod.js";
import { InputError, type ProblemFieldError } from "./errors.js";
import type { BulletinDraft } from "./types.js";

export interface CompleteBulletinOptions {
  issuer: string;
  now?: Date;
  newId?: () => string;
}

/** RFC 3339 UTC to the second, the way people write `issued_at` by hand. */
export function rfc3339Seconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * The payload to sign. `id`, `issuer` and `issued_at` come first (a reader sees what
 * the bulletin is before what it says); the other members keep the draft's order.
 */
export function completeBulletin(
  draft: BulletinDraft | Record<string, unknown>,
  options: CompleteBulletinOptions,
): BulletinPayload {
  if (typeof draft !== "object" || draft === null || Array.isArray(draft)) {
    throw new InputError("A bulletin must be a JSON (or YAML) object.", [
      { pointer: "", message: "must be an object" },
    ]);
  }
  const given = draft as Record<string, unknown>;
  const { id, issuer, issued_at: issuedAt, ...rest } = given;
  const payload: Record<string, unknown> = {
    id: id ?? (options.newId ?? ulid)(),
    issuer: issuer ?? options.issuer,
    issued_at: issuedAt ?? rfc3339Seconds(options.now ?? new Date()),
    ...rest,
  };
  const errors = bulletinErrors(payload);
  if (errors.length > 0) {
    throw new InputError(
      `The bulletin is not valid (${errors.length} problem${errors.length === 1 ? "" : "s"}).`,
      errors,
    );
  }
  if (payload.issuer !== options.issuer) {
    throw new InputError(
      `The bulletin's issuer is ${JSON.stringify(payload.issuer)}, but you sign as ${options.issuer}.`,
      [{ pointer: "/issuer", message: `must be ${options.issuer}, the organisation that signs` }],
    );
  }
  return payload as BulletinPayload;
}

/**
 * Every problem the hub's schema finds, as `{pointer, message}` relative to the payload:
 * the same pointers the hub answers with (shared/errors/zod.ts).
 */
export function bulletinErrors(payload: unknown): ProblemFieldError[] {
  const result = BulletinPayloadSchema.safeParse(payload);
  if (result.success) return [];
  return fieldErrorsOf(result.error);
}
