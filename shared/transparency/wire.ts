/** Wire shapes of the transparency log's JSON answer (DESIGN §14), as zod schemas. */
import * as z from "zod";
import { ChangeSchema } from "../changes/types.js";

export const ChangeProofSchema = ChangeSchema.extend({
  inclusion: z
    .array(z.string())
    .nullable()
    .describe(
      "the RFC 9162 inclusion path of leaf seq in the checkpoint's tree, base64 hashes from the leaf up; null when the change is not in that checkpoint yet",
    ),
}).meta({ id: "ChangeProof" });

export const BulletinProofSchema = z
  .object({
    checkpoint: z
      .string()
      .describe("the latest checkpoint: a C2SP signed note, as GET /v1/log/checkpoint answers"),
    changes: z.array(ChangeProofSchema).describe("every logged change of the bulletin, by seq"),
  })
  .meta({ id: "BulletinProof" });

export type ChangeProof = z.infer<typeof ChangeProofSchema>;
export type BulletinProof = z.infer<typeof BulletinProofSchema>;
