import { z } from "zod";

/** Body of POST /servers/{id}/policy/replay. */
export const replaySchema = z.object({
  policy: z.unknown(),
  days: z.number().int("days must be a whole number").min(1, "days must be 1 to 30").max(30, "days must be 1 to 30").default(7),
  grantId: z.string().min(1).max(100).optional(),
});
export type ReplayInput = z.infer<typeof replaySchema>;
