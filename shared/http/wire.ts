/** Wire shapes of the hub's own public routes. */
import * as z from "zod";

export const HealthSchema = z.object({ status: z.literal("ok") }).meta({ id: "Health" });

export const JwksSchema = z
  .object({
    keys: z.array(
      z.looseObject({
        kty: z.string(),
        crv: z.string(),
        x: z.string(),
        kid: z.string(),
        alg: z.string().optional(),
      }),
    ),
  })
  .meta({ id: "Jwks" });
