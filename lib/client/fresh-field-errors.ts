"use client";

import { useState } from "react";

/**
 * The API's per-field messages as of the last submit, less those of fields changed since: a
 * message speaks of the value that was sent, so it goes once the person edits that field.
 * `values` holds what each field has now, by the name the API uses (`env.NAME` counts as `env`).
 * Call `sent()` when submitting.
 */
export function useFreshFieldErrors(fields: Record<string, string>, values: Record<string, unknown>) {
  const [atSubmit, setAtSubmit] = useState<Record<string, string>>({});
  const fresh: Record<string, string> = {};
  for (const [key, message] of Object.entries(fields)) {
    const base = key.split(".")[0];
    if (!(base in values) || JSON.stringify(values[base]) === atSubmit[base]) fresh[key] = message;
  }
  const sent = () => setAtSubmit(Object.fromEntries(Object.entries(values).map(([k, v]) => [k, JSON.stringify(v)])));
  return { fields: fresh, sent };
}
