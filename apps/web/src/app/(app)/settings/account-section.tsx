"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Trash2 } from "lucide-react";
import { signOut } from "next-auth/react";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import { changePasswordInput } from "@ringback/core/account";
import { Button } from "@ringback/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@ringback/ui/card";
import { ConfirmDialog } from "@ringback/ui/confirm-dialog";
import { FormAlert } from "~/components/form-alert";
import { FormField } from "~/components/form-field";
import { SignOutButton } from "~/components/sign-out-button";
import { SubmitButton } from "~/components/submit-button";
import { errorMessage, fieldErrors } from "~/lib/trpc-errors";
import { useTRPC } from "~/trpc/react";

/** Settings → Account: who is signed in, sign out, change password, delete the account. */
export function AccountSection({ email, hasPassword }: { email: string | undefined; hasPassword: boolean }) {
  return (
    <Card>
      <CardHeader>
        <CardTitle>Account</CardTitle>
        {email ? <CardDescription>Signed in as {email}</CardDescription> : null}
      </CardHeader>
      <CardContent className="flex flex-col gap-6">
        <SignOutButton className="self-start" />
        {hasPassword ? <ChangePasswordForm /> : null}
        <DeleteAccount />
      </CardContent>
    </Card>
  );
}

function ChangePasswordForm() {
  const trpc = useTRPC();
  const change = useMutation(trpc.auth.changePassword.mutationOptions());
  const form = useForm({
    resolver: zodResolver(changePasswordInput),
    defaultValues: { currentPassword: "", newPassword: "" },
  });
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    try {
      await change.mutateAsync(values);
    } catch (error) {
      // a wrong current password belongs on that field; rule breaks on theirs; anything else on the form
      const byField = fieldErrors(error);
      const message = errorMessage(error);
      if (byField.newPassword) form.setError("newPassword", { type: "server", message: byField.newPassword });
      else if (/current password/i.test(message)) form.setError("currentPassword", { type: "server", message }, { shouldFocus: true });
      else form.setError("root", { type: "server", message });
      return;
    }
    form.reset();
    toast.success("Password changed. You were signed out on your other devices.");
  });

  return (
    <form onSubmit={onSubmit} noValidate aria-labelledby="change-password-title" className="flex flex-col gap-4 border-t border-border pt-5">
      <div>
        <h3 id="change-password-title" className="text-[15px] font-semibold">
          Change password
        </h3>
        <p className="mt-1 text-[13px] text-muted-foreground">Every other device you are signed in on will be signed out.</p>
      </div>
      <FormField
        id="current-password"
        label="Current password"
        type="password"
        autoComplete="current-password"
        error={errors.currentPassword?.message}
        {...form.register("currentPassword")}
      />
      <FormField
        id="new-password"
        label="New password"
        type="password"
        autoComplete="new-password"
        hint="At least 8 characters, with a letter and a number."
        error={errors.newPassword?.message}
        {...form.register("newPassword")}
      />
      <FormAlert id="change-password-error" message={errors.root?.message} />
      <SubmitButton pending={isSubmitting} variant="outline" className="self-start">
        Change password
      </SubmitButton>
    </form>
  );
}

function DeleteAccount() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const remove = useMutation(
    trpc.auth.deleteAccount.mutationOptions({
      onSuccess: async () => {
        // nothing of this person may linger in this tab; the cookie goes with next-auth's sign-out
        queryClient.clear();
        await signOut({ callbackUrl: "/signup" });
      },
      onError: (error) => toast.error(errorMessage(error, "Your account couldn’t be deleted. Please try again.")),
    }),
  );

  return (
    <div className="flex flex-col gap-3 border-t border-border pt-5">
      <div>
        <h3 className="text-[15px] font-semibold">Delete account</h3>
        <p className="mt-1 text-[13px] text-muted-foreground">
          Removes your profile, contacts, call history and settings for good, and signs you out everywhere.
        </p>
      </div>
      <Button variant="outline" className="self-start text-destructive" onClick={() => setOpen(true)}>
        <Trash2 aria-hidden="true" />
        Delete account
      </Button>
      <ConfirmDialog
        open={open}
        onOpenChange={setOpen}
        title="Delete your account?"
        description="This can’t be undone. People you called will no longer find you."
        confirmLabel="Delete account"
        destructive
        pending={remove.isPending}
        onConfirm={() => remove.mutate()}
      />
    </div>
  );
}
