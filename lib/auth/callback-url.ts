/** Only same-site paths are followed after sign-in (no open redirect to another host). */
export function safeCallbackUrl(value: string | undefined | null, fallback = "/dashboard"): string {
  if (!value) return fallback;
  try {
    const url = new URL(value, "http://placeholder.invalid");
    if (url.origin !== "http://placeholder.invalid" && !value.startsWith("http://localhost") && !value.startsWith(process.env.TOOLGATE_PUBLIC_URL ?? "\u0000")) {
      return fallback;
    }
    return url.pathname.startsWith("//") ? fallback : `${url.pathname}${url.search}`;
  } catch {
    return fallback;
  }
}
