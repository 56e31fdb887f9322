"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { signInWithPassword } from "~/lib/auth-client";
import { useForm, type UseFormSetError } from "react-hook-form";
import { z } from "zod";
import { handleSchema, signUpInput } from "@ringback/core/schemas";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@ringback/ui/card";
import { FormAlert } from "~/components/form-alert";
import { FormField } from "~/components/form-field";
import { SubmitButton } from "~/components/submit-button";
import { errorCode, errorMessage, fieldErrors } from "~/lib/trpc-errors";
import { useTRPC } from "~/trpc/react";

// People often type their handle with the @ they see everywhere else; the stored handle has none.
const signUpForm = signUpInput.extend({ handle: z.string().transform((v) => v.trim().replace(/^@/, "")).pipe(handleSchema) });

type FormValues = z.input<typeof signUpForm>;
type Field = keyof FormValues;
const FIELDS: ReadonlyArray<Field> = ["email", "displayName", "handle", "password"];

function isField(key: string): key is Field {
  return (FIELDS as ReadonlyArray<string>).includes(key);
}

/** Server errors land on the field they are about, so the person knows what to change. */
function showServerError(error: unknown, setError: UseFormSetError<FormValues>) {
  const byField = Object.entries(fieldErrors(error)).filter(([key]) => isField(key));
  for (const [key, message] of byField) if (isField(key)) setError(key, { type: "server", message });
  if (byField.length > 0) return;
  const message = errorMessage(error);
  if (errorCode(error) === "CONFLICT" && /email/i.test(message)) setError("email", { type: "server", message }, { shouldFocus: true });
  else if (errorCode(error) === "CONFLICT" && /handle/i.test(message)) setError("handle", { type: "server", message }, { shouldFocus: true });
  else if (/password/i.test(message)) setError("password", { type: "server", message }, { shouldFocus: true });
  else setError("root", { type: "server", message });
}

export function SignUpForm() {
  const router = useRouter();
  const trpc = useTRPC();
  const signUp = useMutation(trpc.auth.signUp.mutationOptions());
  const form = useForm({
    resolver: zodResolver(signUpForm),
    defaultValues: { email: "", displayName: "", handle: "", password: "" },
  });
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    try {
      await signUp.mutateAsync(values);
    } catch (error) {
      showServerError(error, form.setError);
      return;
    }
    const result = await signInWithPassword(values.email, values.password).catch(() => undefined);
    if (!result?.ok) {
      form.setError("root", { type: "server", message: "Your account is ready, but we couldn’t sign you in. Try signing in." });
      return;
    }
    router.replace("/contacts");
    router.refresh();
  });

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
          <FormField
            id="signup-email"
            label="Email"
            error={errors.email?.message}
            type="email"
            autoComplete="email"
            inputMode="email"
            {...form.register("email")}
          />
          <FormField
            id="signup-displayName"
            label="Display name"
            error={errors.displayName?.message}
            autoComplete="name"
            placeholder="Ana López"
            {...form.register("displayName")}
          />
          <FormField
            id="signup-handle"
            label="Handle"
            prefix="@"
            error={errors.handle?.message}
            hint="How people find you. Letters, numbers and _."
            autoComplete="username"
            autoCapitalize="none"
            autoCorrect="off"
            spellCheck={false}
            placeholder="ana_lopez"
            {...form.register("handle")}
          />
          <FormField
            id="signup-password"
            label="Password"
            error={errors.password?.message}
            hint="At least 8 characters, with a letter and a number."
            type="password"
            autoComplete="new-password"
            {...form.register("password")}
          />
          <FormAlert id="signup-form-error" message={errors.root?.message} />
          <SubmitButton pending={isSubmitting} size="lg" className="w-full">
            Create account
          </SubmitButton>
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
