/**
 * A problem in a policy document, located by JSON pointer. Messages follow Cedar's style:
 * one line, lowercase, no final period, the user's own text in backticks.
 */
export interface PolicyError {
  /** JSON pointer to the offending field, e.g. `/tools/create_charge/limits/0/max`; `""` is the document. */
  readonly path: string;
  readonly message: string;
  /** 1-based position in the source text, when validating text. */
  readonly line?: number;
  readonly column?: number;
}

/** Suggests the closest known name for a misspelt one ("did you mean"), or null. */
export function closestName(name: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  const normalized = normalize(name);
  for (const candidate of known) {
    if (normalize(candidate) === normalized) return candidate;
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      bestDistance = distance;
      best = candidate;
    }
  }
  return bestDistance <= Math.max(1, Math.floor(name.length / 4)) ? best : null;
}

function normalize(name: string): string {
  return name.toLowerCase().replace(/[-_\s]/g, "");
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return Infinity;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
    }
    previous = current;
  }
  return previous[b.length];
}
