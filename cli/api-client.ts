import { CliFailure, type System } from "./io";
import type { Credentials } from "./config";

/** A small client of /api/v1: JSON in and out, errors as ApiFailure with the API's code and details. */

export interface ErrorDetails {
  fields?: Record<string, string>;
  errors?: { path: string; message: string; line?: number; column?: number }[];
  kind?: string;
  [key: string]: unknown;
}

export class ApiFailure extends CliFailure {
  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
    public readonly details: ErrorDetails | undefined,
  ) {
    super(message, describeDetails(details));
  }
}

function describeDetails(details: ErrorDetails | undefined): string[] {
  if (!details) return [];
  const lines: string[] = [];
  if (Array.isArray(details.errors)) {
    for (const e of details.errors) lines.push(`${e.path === "" ? "(root)" : e.path}: ${e.message}`);
  } else if (details.fields && typeof details.fields === "object") {
    for (const [field, message] of Object.entries(details.fields)) lines.push(`${field === "_" ? "(body)" : field}: ${message}`);
  }
  return lines;
}

export type Query = Record<string, string | number | boolean | undefined>;

export class ApiClient {
  constructor(
    private readonly credentials: Credentials,
    private readonly sys: Pick<System, "fetch">,
  ) {}

  get baseUrl(): string {
    return this.credentials.url;
  }

  async request<T>(method: string, path: string, opts: { body?: unknown; query?: Query } = {}): Promise<T> {
    const url = new URL(`${this.credentials.url}${path}`);
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    let res: Response;
    try {
      res = await this.sys.fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${this.credentials.apiKey}`,
          accept: "application/json",
          "user-agent": "toolgate-cli",
          ...(opts.body !== undefined ? { "content-type": "application/json" } : {}),
        },
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const reason = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
      throw new ApiFailure(0, "network", `cannot reach Toolgate at ${this.credentials.url}: ${reason}`, undefined);
    }
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    let data: unknown;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      throw new ApiFailure(res.status, "bad_response", `unexpected answer from ${url.origin} (HTTP ${res.status}, ${res.headers.get("content-type") ?? "no content type"}): is this a Toolgate URL?`, undefined);
    }
    if (!res.ok) {
      const e = (data as { error?: { code?: string; message?: string; details?: ErrorDetails } } | null)?.error;
      const hint = res.status === 401 ? " (check the API key: `toolgate login`)" : "";
      throw new ApiFailure(res.status, e?.code ?? "error", `${e?.message ?? `request failed with HTTP ${res.status}`}${hint}`, e?.details);
    }
    return data as T;
  }

  get<T>(path: string, query?: Query) {
    return this.request<T>("GET", path, { query });
  }
  post<T>(path: string, body?: unknown) {
    return this.request<T>("POST", path, { body });
  }
  put<T>(path: string, body: unknown) {
    return this.request<T>("PUT", path, { body });
  }
  delete(path: string) {
    return this.request<void>("DELETE", path);
  }
}

/** The largest page the API serves. */
export const PAGE_SIZE = 1000;

/** Every item of a paged list ({items, nextCursor}). */
export async function allPages<T>(api: ApiClient, path: string, query: Query = {}): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.get<{ items: T[]; nextCursor: string | null }>(path, { ...query, limit: PAGE_SIZE, cursor });
    out.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

/** A path segment from user input (ids), encoded. */
export const seg = (s: string) => encodeURIComponent(s);
