// A tiny JSON client for API tests: every call returns status, headers and parsed body.
export interface JsonResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export function apiClient(base: string, defaults: Record<string, string> = {}) {
  return async function call<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<JsonResponse<T>> {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...(body !== undefined ? { "content-type": "application/json" } : {}), ...defaults, ...headers },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: any = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON: keep the text so the assertion shows it */
    }
    return { status: res.status, headers: res.headers, body: parsed };
  };
}

export function basic(email: string, password: string) {
  return { authorization: `Basic ${Buffer.from(`${email}:${password}`).toString("base64")}` };
}

export function bearer(token: string) {
  return { authorization: `Bearer ${token}` };
}

let counter = 0;
export function uniqueEmail(tag = "user") {
  return `${tag}-${Date.now().toString(36)}-${++counter}@example.com`;
}

export const PASSWORD = "correct horse battery staple";

/**
 * Signs a person in through next-auth's credentials flow, as the dashboard does, and returns the
 * session's `cookie` header (session-only routes need it; API keys are refused there).
 */
export async function signInSession(base: string, email: string, password: string): Promise<{ cookie: string }> {
  const jar = new Map<string, string>();
  const keep = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const i = pair.indexOf("=");
      jar.set(pair.slice(0, i), pair.slice(i + 1));
    }
  };
  const cookie = () => [...jar].map(([n, v]) => `${n}=${v}`).join("; ");
  const csrf = await fetch(`${base}/api/auth/csrf`);
  keep(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const login = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookie() },
    body: new URLSearchParams({ csrfToken, email, password, json: "true" }),
  });
  keep(login);
  if (![...jar.keys()].some((n) => n.includes("session-token"))) throw new Error(`signing in ${email} set no session cookie (HTTP ${login.status})`);
  return { cookie: cookie() };
}
