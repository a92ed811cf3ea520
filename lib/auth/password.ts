import { hash, verify } from "@node-rs/argon2";

// argon2id with the library's defaults (m=19 MiB, t=2, p=1: OWASP's minimum recommendation).
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

// A dummy hash to verify against when the email is unknown, so that response time does not
// reveal whether an account exists.
let dummyHash: Promise<string> | undefined;
export async function burnVerifyTime(password: string) {
  dummyHash ??= hash("toolgate-no-such-user-password");
  await verifyPassword(await dummyHash, password);
}
