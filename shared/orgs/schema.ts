/**
 * Wire schemas for onboarding and organisation changes (DESIGN §3, §9). One zod
 * schema per wire shape: it parses, types and documents the body.
 */
import * as z from "zod";
import { RateOverridesSchema } from "../ratelimits/types.js";
import { PublicJwkSchema } from "../signatures/keys.js";
import { ORG_TYPES, ROLES } from "./types.js";

/** Organisation ids appear in URLs and tokens: short, lower-case, URL-safe. */
export const OrgIdSchema = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/, "an id is 1–64 of a-z, 0-9 and inner hyphens");

export const GroupNameSchema = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/, "a group is 1–64 of a-z, 0-9 and inner hyphens");

export const MAX_KEYS_PER_ORG = 50;

const RolesSchema = z
  .array(z.enum(ROLES))
  .max(ROLES.length)
  .refine((roles) => new Set(roles).size === roles.length, "roles must not repeat");

const GroupsSchema = z
  .array(GroupNameSchema)
  .max(32)
  .refine((groups) => new Set(groups).size === groups.length, "groups must not repeat");

const NameSchema = z.string().trim().min(1).max(200);

/** `admin` excludes every other role and every group: an operator is not a participant. */
function adminIsExclusive(
  value: { roles?: string[] | undefined; groups?: string[] | undefined },
  ctx: z.RefinementCtx,
) {
  if (!value.roles?.includes("admin")) return;
  if (value.roles.length > 1) {
    ctx.addIssue({ code: "custom", path: ["roles"], message: "admin excludes every other role" });
  }
  if ((value.groups?.length ?? 0) > 0) {
    ctx.addIssue({
      code: "custom",
      path: ["groups"],
      message: "an admin organisation belongs to no group",
    });
  }
}

export const CreateOrgSchema = z
  .strictObject({
    id: OrgIdSchema,
    name: NameSchema,
    type: z.enum(ORG_TYPES),
    roles: RolesSchema,
    groups: GroupsSchema.default([]),
    jwks: z.strictObject({
      keys: z
        .array(PublicJwkSchema)
        .min(1)
        .max(MAX_KEYS_PER_ORG)
        .refine(
          (keys) => new Set(keys.map((k) => k.kid)).size === keys.length,
          "kids must be unique",
        ),
    }),
  })
  .superRefine(adminIsExclusive);
export type CreateOrgBody = z.infer<typeof CreateOrgSchema>;

export const PatchOrgSchema = z
  .strictObject({
    status: z.enum(["active", "suspended"]).optional(),
    roles: RolesSchema.optional(),
    groups: GroupsSchema.optional(),
    name: NameSchema.optional(),
    /** This organisation's own rates (DESIGN §15); `null` returns a class to the hub's default. */
    rate_limits: RateOverridesSchema.optional(),
  })
  .refine(
    (patch) => Object.keys(patch).length > 0,
    "name at least one of status, roles, groups, name, rate_limits",
  );
export type PatchOrgBody = z.infer<typeof PatchOrgSchema>;

export const AddKeySchema = z.strictObject({
  jwk: PublicJwkSchema,
  proof: z.string().min(1).max(8192),
});
export type AddKeyBody = z.infer<typeof AddKeySchema>;

export { adminIsExclusive };
