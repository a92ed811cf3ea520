import { cookies } from "next/headers";
import type { z } from "zod";
import { ApiError, toErrorResponse } from "./errors";
import { authenticate, type Principal } from "./principal";
import { can, type Permission, type Role } from "../auth/permissions";
import { ORG_COOKIE, resolveMembership } from "../auth/current-org";
import { getDb } from "../db/client";
import type { Actor } from "../admin-audit/record";

// Route handlers declare what they need up front and get it resolved:
//   export const POST = withApi({ permission: "members.manage" }, async ({ org, actor, req }) => ...)
// auth "none": public; "user": any signed-in person; otherwise (with a permission) an org member.
type RouteParams = Record<string, string>;
interface BaseContext<P extends RouteParams> {
  req: Request;
  params: P;
}
export interface UserContext<P extends RouteParams> extends BaseContext<P> {
  principal: Principal;
  actor: Actor;
}
export interface OrgContext<P extends RouteParams> extends UserContext<P> {
  org: { id: string; name: string };
  role: Role;
}

type NextCtx = { params: Promise<RouteParams> };

export function withPublicApi<P extends RouteParams>(fn: (ctx: BaseContext<P>) => Promise<Response>) {
  return async (req: Request, ctx: NextCtx) => {
    try {
      return await fn({ req, params: ((await ctx?.params) ?? {}) as P });
    } catch (err) {
      return toErrorResponse(err);
    }
  };
}

export function withUserApi<P extends RouteParams>(opts: { allowBasic?: boolean }, fn: (ctx: UserContext<P>) => Promise<Response>) {
  return withPublicApi<P>(async ({ req, params }) => {
    const principal = await authenticate(req, opts);
    if (!principal) throw new ApiError("unauthorized", "sign in or send an API key");
    return fn({ req, params, principal, actor: actorOf(principal) });
  });
}

export function withOrgApi<P extends RouteParams>(
  opts: { permission: Permission; allowBasic?: boolean },
  fn: (ctx: OrgContext<P>) => Promise<Response>,
) {
  return withUserApi<P>(opts, async (ctx) => {
    const { org, role } = await orgOf(ctx.principal, ctx.req);
    if (!can(role, opts.permission)) {
      throw new ApiError("forbidden", `your role (${role}) does not allow this (needs ${opts.permission})`);
    }
    return fn({ ...ctx, org, role });
  });
}

async function orgOf(principal: Principal, req: Request): Promise<{ org: { id: string; name: string }; role: Role }> {
  const db = getDb();
  if (principal.kind === "api_key") {
    const org = await db.organization.findUniqueOrThrow({ where: { id: principal.orgId }, select: { id: true, name: true } });
    return { org, role: principal.role };
  }
  const wanted = req.headers.get("x-toolgate-org") ?? (await cookies()).get(ORG_COOKIE)?.value;
  const m = await resolveMembership(db, principal.userId, wanted);
  if (!m) throw new ApiError("forbidden", "you are not a member of any organization");
  return m;
}

export function actorOf(p: Principal): Actor {
  return p.kind === "user"
    ? { type: "user", id: p.userId, label: p.email }
    : { type: "api_key", id: p.keyId, label: p.name };
}

/** Parses a JSON body against a schema: 415 for another content type, 400 with per-field errors. */
export async function readJson<S extends z.ZodType>(req: Request, schema: S): Promise<z.infer<S>> {
  const type = req.headers.get("content-type") ?? "";
  if (!type.toLowerCase().startsWith("application/json")) {
    throw new ApiError("unsupported_media_type", "send the body as JSON (content-type: application/json)");
  }
  let body: unknown;
  try {
    body = await req.json();
  } catch {
    throw new ApiError("invalid_json", "the body is not valid JSON");
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw validationError(parsed.error);
  return parsed.data;
}

export function validationError(error: z.ZodError): ApiError {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.join(".") || "_";
    fields[key] ??= issue.message;
  }
  const first = Object.entries(fields)[0];
  const message = first ? (first[0] === "_" ? first[1] : `${first[0]}: ${first[1]}`) : "invalid request";
  return new ApiError("validation_failed", message, { fields });
}

/** Parses the query string against a schema: 400 with per-field errors. */
export function readQuery<S extends z.ZodType>(req: Request, schema: S): z.infer<S> {
  const params = Object.fromEntries(new URL(req.url).searchParams);
  const parsed = schema.safeParse(params);
  if (!parsed.success) throw validationError(parsed.error);
  return parsed.data;
}
