import { z } from "zod";
import { decodeCursor, pageQuery, type KeyValue } from "../api/pagination";
import { AUDIT_FORWARD, AUDIT_ORDER, idParam } from "./lists";

// Query strings of the audit log: the filters (list, export and stats share them), the list's
// pages, and `after` for reading the log forwards (following it).

export const DECISIONS = ["allow", "deny", "hide", "require_approval", "rate_limited"] as const;
const EVENT_ID = /^evt_[0-9A-HJKMNP-TV-Z]{26}$/;

const decisionList = z
  .string()
  .max(200)
  .transform((raw, ctx) => {
    const list = raw
      .split(",")
      .map((d) => d.trim())
      .filter(Boolean);
    const unknown = list.filter((d) => !(DECISIONS as readonly string[]).includes(d));
    if (unknown.length) {
      ctx.addIssue({ code: "custom", message: `unknown decision \`${unknown[0]}\`: use ${DECISIONS.join(", ")} (comma-separated)` });
      return z.NEVER;
    }
    return list;
  });

export const auditFilterSchema = z.object({
  serverId: idParam("srv", "a server").optional(),
  grantId: idParam("gnt", "a grant").optional(),
  tool: z.string().min(1).max(300).optional(),
  /** A multiplexed tool's operation (as the audit log names it). */
  operation: z.string().min(1).max(300).optional(),
  decision: decisionList.optional(),
  from: z.iso.datetime({ offset: true, error: "from must be an ISO date-time" }).optional(),
  to: z.iso.datetime({ offset: true, error: "to must be an ISO date-time" }).optional(),
});
export type AuditFilter = z.infer<typeof auditFilterSchema>;

/** Where to read forwards from: an event id, or a cursor of the log (either direction). */
export type AuditPosition = { eventId: string } | { key: KeyValue[] };

const afterParam = z
  .string()
  .max(2000)
  .transform((raw, ctx): AuditPosition => {
    if (EVENT_ID.test(raw)) return { eventId: raw };
    const key = decodeCursor(raw, AUDIT_FORWARD);
    if (key === null) {
      ctx.addIssue({ code: "custom", message: "after must be an event id (evt_…) or a cursor of the audit log" });
      return z.NEVER;
    }
    return { key };
  });

export const auditListQuery = auditFilterSchema
  .extend(pageQuery(AUDIT_ORDER).shape)
  .extend({
    after: afterParam.optional(),
    format: z.enum(["json", "csv"], { error: "format must be json or csv" }).optional(),
  })
  .superRefine((q, ctx) => {
    if (q.after && q.cursor) ctx.addIssue({ code: "custom", path: ["after"], message: "after and cursor cannot be combined: pass the nextCursor of an `after` page as `after`" });
    if (q.after && q.format) ctx.addIssue({ code: "custom", path: ["after"], message: "after and format cannot be combined" });
  });
export type AuditListQuery = z.infer<typeof auditListQuery>;
