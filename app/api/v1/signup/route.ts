import { withPublicApi, readJson } from "@/lib/api/handler";
import { signupSchema } from "@/lib/validation/auth";
import { signUp } from "@/lib/orgs/sign-up";
import { getDb } from "@/lib/db/client";
import { ApiError } from "@/lib/api/errors";
import { checkThrottle, recordFailure, formatRetry } from "@/lib/auth/throttle";

// POST /api/v1/signup {email, password, name?} → 201 {user, organization}
export const POST = withPublicApi(async ({ req }) => {
  const db = getDb();
  // Sign-ups per client address are capped (30 per 15 minutes) against scripted account creation.
  const key = `signup-ip:${(req.headers.get("x-forwarded-for") ?? "local").split(",")[0].trim()}`;
  const state = await checkThrottle(db, key, 30);
  if (state.blocked) throw new ApiError("rate_limited", `too many sign-ups from this address, try again in ${formatRetry(state.retryAfterSeconds)}`);
  const input = await readJson(req, signupSchema);
  const result = await signUp(db, input);
  await recordFailure(db, key);
  return Response.json(result, { status: 201 });
});
