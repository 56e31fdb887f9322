import type { Metadata } from "next";
import { env } from "~/env";
import { SignInForm, type OAuthProvider } from "./signin-form";

export const metadata: Metadata = { title: "Sign in" };

type Props = { searchParams: Promise<{ callbackUrl?: string | string[]; error?: string | string[] }> };

/** Only a path on this site: an absolute callbackUrl is reduced to its path, so sign-in is never an open redirect. */
function safeCallback(value: string | string[] | undefined): string {
  const raw = Array.isArray(value) ? value[0] : value;
  if (!raw) return "/contacts";
  try {
    const url = new URL(raw, "http://localhost");
    const path = `${url.pathname}${url.search}`;
    return path.startsWith("/signin") || path.startsWith("/signup") ? "/contacts" : path;
  } catch {
    return "/contacts";
  }
}

export default async function SignInPage({ searchParams }: Props) {
  const params = await searchParams;
  // next-auth sends people back here with ?error= when a provider fails or a session can't start.
  const failed = Boolean(Array.isArray(params.error) ? params.error[0] : params.error);
  const providers: OAuthProvider[] = [
    ...(env.AUTH_GITHUB_ID && env.AUTH_GITHUB_SECRET ? [{ id: "github" as const, name: "GitHub" }] : []),
    ...(env.AUTH_GOOGLE_ID && env.AUTH_GOOGLE_SECRET ? [{ id: "google" as const, name: "Google" }] : []),
  ];
  return (
    <SignInForm
      providers={providers}
      callbackUrl={safeCallback(params.callbackUrl)}
      initialError={failed ? "We couldn’t sign you in. Please try again." : undefined}
    />
  );
}
