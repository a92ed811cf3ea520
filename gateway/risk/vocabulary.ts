/**
 * The words the classifier knows, as precompiled maps. Each table says why a word belongs there;
 * a word in no table carries no signal. Matching is exact on lowercase words (descriptions also
 * try the word without a plural or third-person "s"), so lookups are one Map.get each.
 */

import type { RiskCategory } from "./types";

function table(category: RiskCategory, words: string): [string, RiskCategory][] {
  return words.split(/\s+/).filter(Boolean).map((word) => [word, category]);
}

/** Reading, searching and computing answers: no lasting effect outside the call. */
const READ = `get list read search describe fetch find query retrieve show view lookup check count
  explain inspect open browse download export echo ping navigate screenshot snapshot wait analyze
  compare validate preview diff estimate calculate convert summarize translate resolve return
  aggregate generate geocode verify measure monitor poll peek tail stat stats info status logs`;

/** Changing state: creating, editing, sending, interacting with a page. */
const WRITE = `create update write put add set edit move rename upload send post patch insert append
  modify replace save push merge fork copy apply scale tag untag assign comment reply toggle enable
  disable click fill type select hover drag press resize close mark archive unarchive restore
  publish share invite schedule submit commit sync manage cancel accept approve reject finalize
  capture stop disconnect reconnect switch register configure link attach detach import star
  subscribe unsubscribe`;

/** Running code or jobs, deploying, installing: effects the caller cannot see in advance. */
const EXECUTE = `run exec execute start invoke launch trigger deploy eval evaluate shell spawn install
  upgrade build compile restart reboot provision migrate`;

/** Removing data or capacity, often irreversibly. */
const DESTRUCTIVE = `delete remove drop destroy purge truncate terminate wipe reset erase uninstall
  revoke kill cleanup clean clear flush unlink rm del prune evict drain deprovision void`;

/** Moving money. Several are also nouns (`get_refund`), hence the first-verb rule of the name. */
const FINANCIAL = `charge refund transfer pay payout purchase withdraw bill checkout deposit buy
  disburse remit invoice donate`;

export const VERBS: ReadonlyMap<string, RiskCategory> = new Map([
  ...table("Read", READ),
  ...table("Write", WRITE),
  ...table("Execute", EXECUTE),
  ...table("Destructive", DESTRUCTIVE),
  ...table("Financial", FINANCIAL),
]);

/**
 * HTTP methods in generated names (`API-post-search`, `API-patch-page`) say little: a POST may
 * search. They count only when the name has no other action word.
 */
export const WEAK_NAME_VERBS: ReadonlySet<string> = new Set(["post", "put", "patch"]);

/**
 * Words that are nouns or adjectives as often as verbs in prose ("the type of", "a set of",
 * "a clear message"), so a description's sentence does not count them; in a name they still
 * count. Ambiguous Read words need no entry: the most severe word of a sentence wins anyway.
 */
export const AMBIGUOUS_IN_PROSE: ReadonlySet<string> = new Set([
  "type", "set", "post", "tag", "comment", "select", "fill", "press", "close", "drop", "link",
  "star", "bill", "charge", "transfer", "invoice", "clear", "mark",
]);

/** Money objects: an action on one of these moves money or changes what someone owes. */
export const MONEY_NOUNS: ReadonlySet<string> = new Set([
  "payment", "payments", "charge", "charges", "invoice", "invoices", "refund", "refunds",
  "transfer", "transfers", "payout", "payouts", "subscription", "subscriptions", "price", "prices",
  "coupon", "coupons", "dispute", "disputes", "billing", "balance", "wallet", "checkout", "fee",
  "fees",
]);

/** Input property words that carry an amount of money. */
export const MONEY_PROPERTY_WORDS: ReadonlySet<string> = new Set([
  "amount", "currency", "price", "balance", "fee",
]);

/**
 * Input properties (words joined, lowercase) that carry something to run. Whole names only:
 * `commandId` or `code` (a country, an OTP) carry nothing to run.
 */
export const EXECUTABLE_PROPERTIES: ReadonlySet<string> = new Set([
  "command", "commands", "cmd", "script", "shell", "commandline", "shellcommand", "snippet",
]);

/** Words saying a read reaches secrets: reading them is worth more than reading a file list. */
export const SENSITIVE_WORDS: ReadonlySet<string> = new Set([
  "secret", "secrets", "password", "passwords", "credential", "credentials", "token", "tokens",
  "env", "environment", "apikey", "ssh", "cookie", "cookies", "privatekey",
]);

/** Destructive words whose effect cannot be undone at all: the recommendation is deny. */
export const IRREVERSIBLE_VERBS: ReadonlySet<string> = new Set([
  "drop", "purge", "truncate", "wipe", "destroy", "erase",
]);

/** Severity order used when signals disagree: the more dangerous reading wins. */
export const SEVERITY: Readonly<Record<RiskCategory, number>> = {
  Read: 0,
  Write: 1,
  Execute: 2,
  Destructive: 3,
  Financial: 4,
};
