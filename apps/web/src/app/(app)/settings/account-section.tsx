"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { MonitorSmartphone, Trash2 } from "lucide-react";
import { signOut } from "~/lib/auth-client";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { toast } from "~/components/toasts";
import { changePasswordInput, confirmsEmail } from "@ringback/core/account";
import { Button } from "@ringback/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@ringback/ui/card";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@ringback/ui/dialog";
import { FormAlert } from "~/components/form-alert";
import { FormField } from "~/components/form-field";
import { SignOutButton } from "~/components/sign-out-button";
import { SubmitButton } from "~/components/submit-button";
import { errorMessage, fieldErrors } from "~/lib/trpc-errors";
import { useTRPC } from "~/trpc/react";

/** Settings → Account: who is signed in, sign out (here or elsewhere), change password, delete the account. */
export function AccountSection({ email, hasPassword }: { email: string | undefined; hasPassword: boolean }) {
  return (
    <Card>
      <CardHeader>
        <CardTitle>Account</CardTitle>
        {email ? <CardDescription>Signed in as {email}</CardDescription> : null}
      </CardHeader>
      <CardContent className="flex flex-col gap-6">
        <SignOutButton className="self-start" />
        <SignOutOthers />
        {hasPassword ? <ChangePasswordForm /> : null}
        <DeleteAccount email={email ?? ""} hasPassword={hasPassword} />
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

/** For everyone, and the only way for an account without a password (GitHub, Google) to end other sessions. */
function SignOutOthers() {
  const trpc = useTRPC();
  const signOutOthers = useMutation(
    trpc.auth.signOutOthers.mutationOptions({
      onSuccess: ({ ended }) =>
        toast.success(ended === 0 ? "You weren’t signed in anywhere else." : ended === 1 ? "Signed out of 1 other device." : `Signed out of ${ended} other devices.`),
      onError: (error) => toast.error(errorMessage(error, "Your other devices couldn’t be signed out. Please try again.")),
    }),
  );
  return (
    <div className="flex flex-col gap-3 border-t border-border pt-5">
      <div>
        <h3 className="text-[15px] font-semibold">Other devices</h3>
        <p className="mt-1 text-[13px] text-muted-foreground">
          Signs out every other browser and phone where you are signed in, for example one you lost or left signed in. This one stays signed in.
        </p>
      </div>
      <Button variant="outline" className="self-start" disabled={signOutOthers.isPending} onClick={() => signOutOthers.mutate()}>
        <MonitorSmartphone aria-hidden="true" />
        Sign out of other devices
      </Button>
    </div>
  );
}

const MESSAGE_PASSWORD = "Enter your current password";
const MESSAGE_EMAIL = "Type your account’s email address to confirm";

function DeleteAccount({ email, hasPassword }: { email: string; hasPassword: boolean }) {
  const [open, setOpen] = useState(false);
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
      <Dialog open={open} onOpenChange={setOpen}>
        <DialogContent className="max-w-sm" showClose={false}>
          {/* mounted only while open, so a closed dialog forgets what was typed */}
          {open ? <DeleteAccountForm email={email} hasPassword={hasPassword} onCancel={() => setOpen(false)} /> : null}
        </DialogContent>
      </Dialog>
    </div>
  );
}

/**
 * The account's password (or, without one, its email typed out) is asked for here, not just a click:
 * whoever holds a copied session cookie must not be able to delete the account with it.
 */
function DeleteAccountForm({ email, hasPassword, onCancel }: { email: string; hasPassword: boolean; onCancel: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const remove = useMutation(trpc.auth.deleteAccount.mutationOptions());
  const schema = z.object({
    proof: hasPassword
      ? z.string().min(1, { error: MESSAGE_PASSWORD })
      : z.string().refine((typed) => confirmsEmail(typed, email), { error: MESSAGE_EMAIL }),
  });
  const form = useForm({ resolver: zodResolver(schema), defaultValues: { proof: "" } });
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async ({ proof }) => {
    try {
      await remove.mutateAsync(hasPassword ? { currentPassword: proof } : { confirmEmail: proof });
    } catch (error) {
      const message = errorMessage(error, "Your account couldn’t be deleted. Please try again.");
      if (/password is not right|email address/i.test(message)) form.setError("proof", { type: "server", message }, { shouldFocus: true });
      else form.setError("root", { type: "server", message });
      return;
    }
    // nothing of this person may linger in this tab; the cookie goes with next-auth's sign-out
    queryClient.clear();
    await signOut("/signup");
  });

  return (
    <form onSubmit={onSubmit} noValidate>
      <DialogHeader className="gap-2">
        <DialogTitle>Delete your account?</DialogTitle>
        <DialogDescription>
          This can’t be undone. People you called will no longer find you.
          {hasPassword ? " Enter your password to confirm." : <> To confirm, type <strong className="break-all text-foreground">{email}</strong>.</>}
        </DialogDescription>
      </DialogHeader>
      <div className="flex flex-col gap-3 px-6 pt-4">
        <FormField
          id="delete-account-proof"
          label={hasPassword ? "Password" : "Your email"}
          type={hasPassword ? "password" : "email"}
          autoComplete={hasPassword ? "current-password" : "off"}
          autoCapitalize="none"
          spellCheck={false}
          error={errors.proof?.message}
          {...form.register("proof")}
        />
        <FormAlert id="delete-account-error" message={errors.root?.message} />
      </div>
      <DialogFooter className="pt-5">
        <Button type="button" variant="secondary" className="sm:min-w-28" onClick={onCancel}>
          Cancel
        </Button>
        <SubmitButton pending={isSubmitting} variant="destructive" className="sm:min-w-28">
          Delete account
        </SubmitButton>
      </DialogFooter>
    </form>
  );
}
