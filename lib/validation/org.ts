import { z } from "zod";
import { ROLES } from "../auth/permissions";
import { emailSchema } from "./auth";

export const roleSchema = z.enum(ROLES, { error: `role must be one of ${ROLES.join(", ")}` });
export const orgNameSchema = z.string().trim().min(1, "name is required").max(100, "name must be at most 100 characters");

export const createApiKeySchema = z.object({
  name: z.string().trim().min(1, "name is required").max(100, "name must be at most 100 characters"),
  role: roleSchema.optional(),
});
export const createInvitationSchema = z.object({ email: emailSchema, role: roleSchema });
export const acceptInvitationSchema = z.object({ token: z.string().min(1, "token is required").max(200) });
export const changeRoleSchema = z.object({ role: roleSchema });
export const createOrgSchema = z.object({ name: orgNameSchema });
export const switchOrgSchema = z.object({ orgId: z.string().min(1, "orgId is required").max(100) });
export const renameOrgSchema = z.object({ name: orgNameSchema });
