import { z } from "zod";

// Shared by the sign-up form, the sign-up API and tests: one source of truth for what is valid.
export const PASSWORD_MIN = 10;
const COMMON = new Set(["password123", "1234567890", "qwertyuiop", "password1234", "letmein123", "iloveyou123", "0123456789", "abcdefghij"]);

export const emailSchema = z
  .string({ error: "email is required" })
  .trim()
  .toLowerCase()
  .min(1, "email is required")
  .max(254, "email is too long")
  .pipe(z.email({ error: "enter a valid email address" }));

export const passwordSchema = z
  .string({ error: "password is required" })
  .min(PASSWORD_MIN, `password must be at least ${PASSWORD_MIN} characters`)
  .max(200, "password must be at most 200 characters")
  .refine((p) => !COMMON.has(p.toLowerCase()), "this password is too common")
  .refine((p) => new Set(p).size >= 4, "password is too repetitive");

export const signupSchema = z
  .object({
    email: emailSchema,
    password: passwordSchema,
    name: z.string().trim().max(100, "name must be at most 100 characters").optional(),
    organizationName: z.string().trim().min(1).max(100, "organization name must be at most 100 characters").optional(),
    inviteToken: z.string().max(200).optional(),
  })
  .refine((v) => v.password.toLowerCase() !== v.email, { path: ["password"], message: "password must not be your email" });

export type SignupInput = z.infer<typeof signupSchema>;

export const signinSchema = z.object({
  email: emailSchema,
  password: z.string().min(1, "password is required").max(200),
});
