// Small formatting helpers shared by the server screens (pure: usable on the server too).

/** "just now", "5 min ago", "3 h ago", "2 days ago", or the date for anything older than a week. */
export function timeAgo(value: string | Date, now: number = Date.now()): string {
  const t = new Date(value).getTime();
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 45) return "just now";
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 24) return `${h} h ago`;
  const d = Math.round(h / 24);
  if (d < 7) return `${d} ${d === 1 ? "day" : "days"} ago`;
  return new Date(value).toLocaleDateString();
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function pretty(value: unknown): string {
  return JSON.stringify(value, null, 2) ?? "";
}

/** The host of a URL for short messages ("Connecting to mcp.linear.app…"), or the text itself. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** The value with every object's keys sorted, so two JSON texts differ only where the values do. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = sortKeys((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}
