import { ApiClientError } from "./api";

// apiFetch keeps only the per-field messages of an error; some screens need the rest of
// `details` too: the policy validator's {errors:[{path,message}]} and an upstream's {kind}.
export class ApiDetailedError extends ApiClientError {
  constructor(
    status: number,
    code: string,
    message: string,
    fields: Record<string, string>,
    public details: unknown,
  ) {
    super(status, code, message, fields);
  }
}

/** Like apiFetch, but a failed request throws an ApiDetailedError carrying `error.details`. */
export async function apiFetchDetailed<T = unknown>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method: init.method ?? (init.body === undefined ? "GET" : "POST"),
      headers: init.body === undefined ? undefined : { "content-type": "application/json" },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  } catch {
    throw new ApiDetailedError(0, "network", "cannot reach Toolgate: check your connection and try again", {}, undefined);
  }
  if (res.status === 204) return undefined as T;
  const data = await res.json().catch(() => null);
  if (!res.ok) {
    const e = data?.error;
    throw new ApiDetailedError(res.status, e?.code ?? "error", e?.message ?? `request failed (${res.status})`, e?.details?.fields ?? {}, e?.details);
  }
  return data as T;
}

/** The validator's errors from a failed policy request ({details:{errors:[{path,message}]}}), if any. */
export function policyErrorsOf(err: unknown): { path: string; message: string }[] {
  if (!(err instanceof ApiDetailedError)) return [];
  const errors = (err.details as { errors?: unknown } | undefined)?.errors;
  if (!Array.isArray(errors)) return [];
  return errors
    .filter((e): e is { path: string; message: string } => typeof e?.path === "string" && typeof e?.message === "string")
    .map((e) => ({ path: e.path, message: e.message }));
}
