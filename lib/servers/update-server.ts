import type { Db } from "../db/client";
import { Prisma } from "../generated/prisma/client";
import { ApiError } from "../api/errors";
import { seal } from "../crypto/secret-box";
import { recordAdminChange, type Actor } from "../admin-audit/record";
import { checkUpstreamUrl, UpstreamUrlError } from "./upstream-address";
import { getServerOrThrow, SERVER_FIELDS } from "./queries";
import type { NewServer } from "./create-server";
import { z } from "zod";
import { checkKindFields } from "../validation/servers";
import { validationError } from "../api/handler";
import { commandRefusal, envRefusal, stdioPolicyFromEnv } from "../../gateway/stdio/stdio-policy";

/** Why this command, or these environment variables, may not be registered here (TOOLGATE_STDIO), as a field error. */
export function assertCommandAllowed(command: string | undefined, envNames: string[] = []) {
  const policy = stdioPolicyFromEnv();
  const refusal = command === undefined ? null : commandRefusal(command, policy);
  if (refusal) throw new ApiError("validation_failed", refusal, { fields: { command: refusal } });
  const envProblem = envRefusal(envNames, policy);
  if (envProblem) throw new ApiError("validation_failed", envProblem, { fields: { env: envProblem } });
}

/** Fields that change how a command or connector server's processes run: running ones are stopped. */
export const PROCESS_FIELDS = ["command", "args", "env", "cwd", "processMode"] as const;

/** Changes a server; headers (and env), when given, replace the stored ones entirely. */
export async function updateServer(db: Db, actor: Actor, orgId: string, id: string, input: Partial<NewServer> & { reviewChangedTools?: boolean }) {
  const current = await getServerOrThrow(db, orgId, id);
  const fieldCheck = z.record(z.string(), z.unknown()).superRefine((v, ctx) => checkKindFields(v, ctx, current.kind)).safeParse(input);
  if (!fieldCheck.success) throw validationError(fieldCheck.error);
  if (input.command !== undefined || input.env !== undefined) assertCommandAllowed(input.command, input.env ? Object.keys(input.env) : undefined);
  if (input.url !== undefined) {
    try {
      await checkUpstreamUrl(input.url);
    } catch (err) {
      if (err instanceof UpstreamUrlError) throw new ApiError("validation_failed", err.message, { fields: { url: err.message } });
      throw err;
    }
  }
  const data: Prisma.ServerUpdateInput = {
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.url !== undefined ? { url: input.url } : {}),
    ...(input.transport !== undefined ? { transport: input.transport } : {}),
    ...(input.reviewChangedTools !== undefined ? { reviewChangedTools: input.reviewChangedTools } : {}),
    ...(input.headers !== undefined
      ? { headersSealed: Object.keys(input.headers).length ? seal(JSON.stringify(input.headers)) : null, headerNames: Object.keys(input.headers) }
      : {}),
    ...(input.command !== undefined ? { command: input.command } : {}),
    ...(input.args !== undefined ? { args: input.args } : {}),
    ...(input.cwd !== undefined ? { cwd: input.cwd } : {}),
    ...(input.env !== undefined ? { envSealed: Object.keys(input.env).length ? seal(JSON.stringify(input.env)) : null, envNames: Object.keys(input.env) } : {}),
    ...(input.processMode !== undefined ? { processMode: input.processMode } : {}),
    ...(input.idleTimeoutSeconds !== undefined ? { idleTimeoutSeconds: input.idleTimeoutSeconds } : {}),
    ...(input.maxProcesses !== undefined ? { maxProcesses: input.maxProcesses } : {}),
  };
  try {
    return await db.$transaction(async (tx) => {
      const s = await tx.server.update({ where: { id }, data, select: SERVER_FIELDS });
      const changed = Object.keys(input).filter((k) => k !== "headers" && k !== "env");
      await recordAdminChange(tx, actor, { orgId, action: "server.updated", targetType: "server", targetId: id, details: { changed, headersReplaced: input.headers !== undefined, envReplaced: input.env !== undefined } });
      return s;
    });
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") throw new ApiError("conflict", `a server named \`${input.name}\` already exists`, { fields: { name: "already used" } });
    throw err;
  }
}

export async function deleteServer(db: Db, actor: Actor, orgId: string, id: string) {
  await db.$transaction(async (tx) => {
    const r = await tx.server.deleteMany({ where: { id, orgId } });
    if (r.count === 0) throw new ApiError("not_found", "no server with this id");
    await recordAdminChange(tx, actor, { orgId, action: "server.deleted", targetType: "server", targetId: id });
  });
}
