"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { signInWithPassword, signInWithProvider } from "~/lib/auth-client";
import { useEffect } from "react";
import { useForm } from "react-hook-form";
import { signInInput } from "@ringback/core/schemas";
import { Button } from "@ringback/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@ringback/ui/card";
import { FormAlert } from "~/components/form-alert";
import { FormField } from "~/components/form-field";
import { SubmitButton } from "~/components/submit-button";
import { tooManyAttemptsMessage } from "~/lib/auth-errors";

export type OAuthProvider = { id: "github" | "google"; name: string };

/** What the page says for a failed sign-in: wrong password, throttled, or trouble on our side. */
function signInFailure(error: string | undefined): string {
  if (!error || error === "CredentialsSignin") return "Wrong email or password";
  return tooManyAttemptsMessage(error) ?? "Couldn’t sign in right now. Please try again in a moment.";
}

export function SignInForm({
  callbackUrl,
  initialError,
  providers = [],
}: {
  callbackUrl: string;
  initialError?: string;
  providers?: OAuthProvider[];
}) {
  const router = useRouter();
  const form = useForm({
    resolver: zodResolver(signInInput),
    defaultValues: { email: "", password: "" },
  });
  const { errors, isSubmitting } = form.formState;

  // next-auth sends people back with ?error= when a provider failed; say so once
  useEffect(() => {
    if (initialError) form.setError("root", { type: "server", message: initialError });
  }, [form, initialError]);

  const onSubmit = form.handleSubmit(async ({ email, password }) => {
    try {
      const result = await signInWithPassword(email, password);
      if (!result.ok) {
        form.setError("root", { type: "server", message: signInFailure(result.error ?? undefined) });
        return;
      }
      router.replace(callbackUrl);
      router.refresh();
    } catch {
      form.setError("root", { type: "server", message: "Couldn’t reach Ringback. Check your connection and try again." });
    }
  });

  return (
    <Card>
      <CardHeader className="items-center text-center">
        <CardTitle as="h1" className="text-xl">
          Sign in
        </CardTitle>
        <CardDescription>Welcome back. Pick up where you left off.</CardDescription>
      </CardHeader>
      <CardContent>
        <form onSubmit={onSubmit} noValidate className="flex flex-col gap-4">
          <FormField
            id="signin-email"
            label="Email"
            error={errors.email?.message}
            type="email"
            autoComplete="email"
            inputMode="email"
            {...form.register("email")}
          />
          <FormField
            id="signin-password"
            label="Password"
            error={errors.password?.message}
            type="password"
            autoComplete="current-password"
            {...form.register("password")}
          />
          <FormAlert id="signin-error" message={errors.root?.message} />
          <SubmitButton pending={isSubmitting} size="lg" className="w-full">
            Sign in
          </SubmitButton>
        </form>
        {providers.length > 0 ? (
          <div className="mt-4 flex flex-col gap-2">
            {providers.map((p) => (
              <Button key={p.id} type="button" variant="outline" size="lg" className="w-full" onClick={() => void signInWithProvider(p.id, callbackUrl)}>
                Continue with {p.name}
              </Button>
            ))}
          </div>
        ) : null}
        <p className="mt-6 text-center text-sm text-muted-foreground">
          New to Ringback?{" "}
          <Link href="/signup" className="font-medium text-primary underline-offset-4 hover:underline">
            Create an account
          </Link>
        </p>
      </CardContent>
    </Card>
  );
}
