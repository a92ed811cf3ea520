import { z } from "zod";
import { pageQuery, type SortKey } from "../api/pagination";
import { idParam } from "./lists";

// Query strings and bodies of /api/v1/approvals and the org's approval webhook.

export const APPROVAL_STATUSES = ["pending", "approved", "denied", "expired", "used"] as const;
export type ApprovalStatusName = (typeof APPROVAL_STATUSES)[number];

/** Pending requests first (rank 0, the rest 1), then newest first. */
export const APPROVAL_ORDER = [
  ["rank", "int", "asc"],
  ["requestedAt", "date", "desc"],
  ["id", "string", "desc"],
] as const satisfies SortKey;

const statusList = z
  .string()
  .max(200)
  .transform((raw, ctx) => {
    const list = [...new Set(raw.split(",").map((s) => s.trim()).filter(Boolean))];
    const unknown = list.filter((s) => !(APPROVAL_STATUSES as readonly string[]).includes(s));
    if (unknown.length || list.length === 0) {
      ctx.addIssue({ code: "custom", message: `unknown status \`${unknown[0] ?? raw}\`: use ${APPROVAL_STATUSES.join(", ")} (comma-separated)` });
      return z.NEVER;
    }
    return list as ApprovalStatusName[];
  });

export const approvalFilterSchema = z.object({
  status: statusList.optional(),
  serverId: idParam("srv", "a server").optional(),
  grantId: idParam("gnt", "a grant").optional(),
  tool: z.string().min(1).max(300).optional(),
});
export type ApprovalFilter = z.infer<typeof approvalFilterSchema>;

export const listApprovalsQuery = approvalFilterSchema.extend(pageQuery(APPROVAL_ORDER).shape);
export type ListApprovalsQuery = z.infer<typeof listApprovalsQuery>;

const comment = z.string().trim().max(2000, "keep the comment under 2,000 characters");

export const approveApprovalSchema = z.object({
  comment: comment.optional().transform((c) => (c ? c : null)),
});
export const denyApprovalSchema = z.object({
  comment: z
    .string({ error: "give a reason for the denial: the agent is told it" })
    .trim()
    .min(1, "give a reason for the denial: the agent is told it")
    .max(2000, "keep the comment under 2,000 characters"),
});

export const approvalWebhookSchema = z.object({
  url: z.string().trim().min(1, "enter the webhook's URL").max(2000, "the URL is too long"),
  enabled: z.boolean().default(true),
});
export type ApprovalWebhookInput = z.infer<typeof approvalWebhookSchema>;
