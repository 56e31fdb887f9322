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
