/**
 * Settling a reservation happens once. A retried rollback (or a rollback after a commit) must not
 * give the same units back twice, or a failing upstream could be called more than `max` times.
 */

import type { Reservation } from "./types";

/** Moves a pending reservation to `state`; false when it was already settled. */
export function claimSettlement(reservation: Reservation, state: "committed" | "rolled_back"): boolean {
  if (reservation.state !== "pending") return false;
  reservation.state = state;
  return true;
}
