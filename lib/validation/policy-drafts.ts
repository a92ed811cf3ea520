import { z } from "zod";
import { POLICY_TEXT_MAX_CHARS } from "../../gateway/policy/validate";

/** A builder draft as saved: the editor's text (possibly invalid JSON) and the version it started from. */
export const savePolicyDraftSchema = z.object({
  text: z.string().max(POLICY_TEXT_MAX_CHARS),
  baseVersion: z.number().int().min(1).nullable(),
});
