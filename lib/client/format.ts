// Small, pure formatters for the dashboard's tables: relative times ("3 min ago"), full
// date-times for titles and drawers, counts and latencies.

const UNITS: [limit: number, divisor: number, unit: string][] = [
  [60, 1, "s"],
  [3600, 60, "min"],
  [86_400, 3600, "h"],
  [30 * 86_400, 86_400, "d"],
];

/** "just now", "42 s ago", "5 min ago", "3 h ago", "12 d ago", or the date when older. */
export function formatRelative(value: string | Date | null | undefined, now: number = Date.now()): string {
  if (!value) return "never";
  const t = new Date(value).getTime();
  if (Number.isNaN(t)) return "—";
  const seconds = Math.round((now - t) / 1000);
  if (seconds < 5 && seconds > -5) return "just now";
  if (seconds < 0) return formatDateTime(value);
  for (const [limit, divisor, unit] of UNITS) {
    if (seconds < limit) return `${Math.floor(seconds / divisor)} ${unit} ago`;
  }
  return formatDate(value);
}

/** 2026-03-04 14:05:09 in the browser's time zone: sortable and unambiguous. */
export function formatDateTime(value: string | Date, opts: { seconds?: boolean } = {}): string {
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return "—";
  const date = formatDate(d);
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}${opts.seconds === false ? "" : `:${pad(d.getSeconds())}`}`;
  return `${date} ${time}`;
}

export function formatDate(value: string | Date): string {
  const d = new Date(value);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Time of day for a log row: 14:05:09 today, else with the date. */
export function formatLogTime(value: string | Date, now: number = Date.now()): string {
  const d = new Date(value);
  const today = new Date(now);
  const sameDay = d.getFullYear() === today.getFullYear() && d.getMonth() === today.getMonth() && d.getDate() === today.getDate();
  return sameDay ? `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}` : formatDateTime(d);
}

export function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}

/** 0.42 ms, 12.3 ms, 1,204 ms; an em dash when unknown. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return "—";
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  return `${Math.round(ms).toLocaleString("en-US")} ms`;
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}
