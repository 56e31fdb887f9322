"use client";

import { useMutation } from "@tanstack/react-query";
import { Loader2 } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { useState, type FormEvent } from "react";
import { signUpInput } from "@ringback/core/schemas";
import { Button } from "@ringback/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@ringback/ui/card";
import { Input } from "@ringback/ui/input";
import { Label } from "@ringback/ui/label";
import { FieldError } from "~/components/field-error";
import { errorCode, errorMessage, fieldErrors } from "~/lib/trpc-errors";
import { useTRPC } from "~/trpc/react";

type Field = "email" | "displayName" | "handle" | "password";
type Errors = Partial<Record<Field | "form", string>>;

const FIELDS: ReadonlyArray<Field> = ["email", "displayName", "handle", "password"];

function isField(key: string): key is Field {
  return (FIELDS as ReadonlyArray<string>).includes(key);
}

/** Server errors land on the field they are about, so the person knows what to change. */
function errorsFromServer(error: unknown): Errors {
  const byField = fieldErrors(error);
  const out: Errors = {};
  for (const [key, message] of Object.entries(byField)) {
    if (isField(key)) out[key] = message;
  }
  if (Object.keys(out).length > 0) return out;
  const message = errorMessage(error);
  if (errorCode(error) === "CONFLICT") {
    if (/email/i.test(message)) return { email: message };
    if (/handle/i.test(message)) return { handle: message };
  }
  if (/password/i.test(message)) return { password: message };
  return { form: message };
}

export function SignUpForm() {
  const router = useRouter();
  const trpc = useTRPC();
  const signUp = useMutation(trpc.auth.signUp.mutationOptions());
  const [errors, setErrors] = useState<Errors>({});
  const [signingIn, setSigningIn] = useState(false);
  const pending = signUp.isPending || signingIn;

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const raw = {
      email: String(form.get("email") ?? ""),
      displayName: String(form.get("displayName") ?? ""),
      handle: String(form.get("handle") ?? "").replace(/^@/, ""),
      password: String(form.get("password") ?? ""),
    };
    const parsed = signUpInput.safeParse(raw);
    if (!parsed.success) {
      const next: Errors = {};
      for (const issue of parsed.error.issues) {
        const key = String(issue.path[0] ?? "");
        if (isField(key) && !next[key]) next[key] = issue.message;
      }
      setErrors(next);
      return;
    }
    setErrors({});
    try {
      await signUp.mutateAsync(parsed.data);
    } catch (error) {
      setErrors(errorsFromServer(error));
      return;
    }
    setSigningIn(true);
    const result = await signIn("credentials", {
      email: parsed.data.email,
      password: raw.password,
      redirect: false,
    }).catch(() => undefined);
    if (!result || result.error) {
      setSigningIn(false);
      setErrors({ form: "Your account is ready, but we couldn’t sign you in. Try signing in." });
      return;
    }
    router.replace("/contacts");
    router.refresh();
  }

  function fieldProps(field: Field) {
    const message = errors[field];
    return {
      id: `signup-${field}`,
      name: field,
      "aria-invalid": message ? true : undefined,
      "aria-describedby": message ? `signup-${field}-error` : undefined,
      onChange: () => {
        if (errors[field]) setErrors((prev) => ({ ...prev, [field]: undefined }));
      },
    } as const;
  }

  return (
    <Card>
      <CardHeader className="items-center text-center">
        <CardTitle as="h1" className="text-xl">
          Create your account
        </CardTitle>
        <CardDescription>Call the people you know, in audio or video.</CardDescription>
      </CardHeader>
      <CardContent>
        <form onSubmit={onSubmit} noValidate className="flex flex-col gap-4">
          <div className="flex flex-col gap-2">
            <Label htmlFor="signup-email">Email</Label>
            <Input {...fieldProps("email")} type="email" autoComplete="email" inputMode="email" required />
            <FieldError id="signup-email-error" message={errors.email} />
          </div>
          <div className="flex flex-col gap-2">
            <Label htmlFor="signup-displayName">Display name</Label>
            <Input {...fieldProps("displayName")} autoComplete="name" placeholder="Ana López" required />
            <FieldError id="signup-displayName-error" message={errors.displayName} />
          </div>
          <div className="flex flex-col gap-2">
            <Label htmlFor="signup-handle">Handle</Label>
            <div className="relative">
              <span
                aria-hidden="true"
                className="pointer-events-none absolute inset-y-0 left-3.5 flex items-center text-muted-foreground"
              >
                @
              </span>
              <Input
                {...fieldProps("handle")}
                className="pl-8"
                autoComplete="username"
                autoCapitalize="none"
                autoCorrect="off"
                spellCheck={false}
                placeholder="ana_lopez"
                required
              />
            </div>
            {errors.handle ? (
              <FieldError id="signup-handle-error" message={errors.handle} />
            ) : (
              <p className="text-[13px] text-muted-foreground">How people find you. Letters, numbers and _.</p>
            )}
          </div>
          <div className="flex flex-col gap-2">
            <Label htmlFor="signup-password">Password</Label>
            <Input {...fieldProps("password")} type="password" autoComplete="new-password" required />
            {errors.password ? (
              <FieldError id="signup-password-error" message={errors.password} />
            ) : (
              <p className="text-[13px] text-muted-foreground">At least 8 characters, with a letter and a number.</p>
            )}
          </div>
          <div role="alert" aria-live="polite" className="empty:-mt-4">
            <FieldError id="signup-form-error" message={errors.form} />
          </div>
          <Button type="submit" size="lg" disabled={pending} className="w-full">
            {pending ? <Loader2 className="animate-spin" aria-hidden="true" /> : null}
            Create account
          </Button>
        </form>
        <p className="mt-6 text-center text-sm text-muted-foreground">
          Already have an account?{" "}
          <Link href="/signin" className="font-medium text-primary underline-offset-4 hover:underline">
            Sign in
          </Link>
        </p>
      </CardContent>
    </Card>
  );
}
