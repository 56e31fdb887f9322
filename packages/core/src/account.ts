import { z } from "zod";
import { PASSWORD_MAX_LENGTH, passwordSchema } from "./schemas";

const CURRENT_PASSWORD_MESSAGE = "Enter your current password";

/** Settings → Password: the current password proves it is the owner, not someone at an open laptop. */
export const changePasswordInput = z
  .object({
    currentPassword: z
      .string({ error: CURRENT_PASSWORD_MESSAGE })
      .min(1, { error: CURRENT_PASSWORD_MESSAGE })
      .max(PASSWORD_MAX_LENGTH, { error: CURRENT_PASSWORD_MESSAGE }),
    newPassword: passwordSchema,
  })
  .refine((v) => v.currentPassword !== v.newPassword, {
    error: "Choose a new password that differs from the current one",
    path: ["newPassword"],
    // only once both fields are themselves valid: each has its own message first
    when: (payload) => payload.issues.length === 0,
  });

export type ChangePasswordInput = z.infer<typeof changePasswordInput>;

/**
 * Settings → Delete account. An account with a password needs it (a stolen session cookie alone must
 * not be able to delete the account); an account that signs in only with GitHub or Google has no
 * password, so its owner types the account's email instead, which at least stops a stray click.
 */
export const deleteAccountInput = z.object({
  currentPassword: z.string().max(PASSWORD_MAX_LENGTH, { error: CURRENT_PASSWORD_MESSAGE }).optional(),
  confirmEmail: z.string().max(320, { error: "Type the email address shown" }).optional(),
});

export type DeleteAccountInput = z.infer<typeof deleteAccountInput>;

/** Whether what was typed to confirm deleting an OAuth-only account is its email (case and spaces aside). */
export function confirmsEmail(typed: string | undefined, email: string): boolean {
  return (typed ?? "").trim().toLowerCase() === email.trim().toLowerCase();
}
