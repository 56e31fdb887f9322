"use client";

import { Loader2 } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { useState, type FormEvent } from "react";
import { Button } from "@ringback/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@ringback/ui/card";
import { Input } from "@ringback/ui/input";
import { Label } from "@ringback/ui/label";
import { FieldError } from "~/components/field-error";
import { TOO_MANY_ATTEMPTS } from "~/lib/auth-errors";

export type OAuthProvider = { id: "github" | "google"; name: string };

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
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | undefined>(initialError);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get("email") ?? "");
    const password = String(form.get("password") ?? "");
    if (!email.trim() || !password) {
      setError("Enter your email and password");
      return;
    }
    setPending(true);
    setError(undefined);
    try {
      const result = await signIn("credentials", { email, password, redirect: false });
      if (!result || result.error) {
        // CredentialsSignin is a plain wrong-password; anything else means the server had trouble.
        setError(
          !result || result.error === "CredentialsSignin"
            ? "Wrong email or password"
            : result.error === TOO_MANY_ATTEMPTS
              ? "Too many sign-in attempts. Try again in 15 minutes."
              : "Couldn’t sign in right now. Please try again in a moment.",
        );
        setPending(false);
        return;
      }
      router.replace(callbackUrl);
      router.refresh();
    } catch {
      setError("Couldn’t reach Ringback. Check your connection and try again.");
      setPending(false);
    }
  }

  return (
    <Card>
      <CardHeader className="items-center text-center">
        <CardTitle as="h1" className="text-xl">
          Sign in
        </CardTitle>
        <CardDescription>Welcome back. Pick up where you left off.</CardDescription>
      </CardHeader>
      <CardContent>
        <form onSubmit={onSubmit} noValidate className="flex flex-col gap-4" aria-describedby="signin-error">
          <div className="flex flex-col gap-2">
            <Label htmlFor="signin-email">Email</Label>
            <Input
              id="signin-email"
              name="email"
              type="email"
              autoComplete="email"
              inputMode="email"
              required
              aria-invalid={error ? true : undefined}
            />
          </div>
          <div className="flex flex-col gap-2">
            <Label htmlFor="signin-password">Password</Label>
            <Input
              id="signin-password"
              name="password"
              type="password"
              autoComplete="current-password"
              required
              aria-invalid={error ? true : undefined}
            />
          </div>
          <div role="alert" aria-live="polite" className="empty:-mt-4">
            <FieldError id="signin-error" message={error} />
          </div>
          <Button type="submit" size="lg" disabled={pending} className="w-full">
            {pending ? <Loader2 className="animate-spin" aria-hidden="true" /> : null}
            Sign in
          </Button>
        </form>
        {providers.length > 0 ? (
          <div className="mt-4 flex flex-col gap-2">
            {providers.map((p) => (
              <Button key={p.id} type="button" variant="outline" size="lg" className="w-full" onClick={() => void signIn(p.id, { callbackUrl })}>
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
