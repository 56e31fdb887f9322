/*
 * Signing in and out from the browser: the three requests next-auth's client makes, without
 * next-auth/react itself (with its Babel runtime it was about 14 KB of gzip'd JavaScript on the
 * sign-in page and again on every signed-in page, for two functions). The server side is next-auth's
 * own route (app/api/auth/[...nextauth]), unchanged: CSRF token, then a form POST that sets or clears
 * the session cookie and answers `{ url }` (with `?error=` when it refused).
 */

const AUTH = "/api/auth";

async function csrfToken(): Promise<string> {
  const response = await fetch(`${AUTH}/csrf`, { cache: "no-store" });
  if (!response.ok) throw new Error(`csrf: ${response.status}`);
  return ((await response.json()) as { csrfToken: string }).csrfToken;
}

async function post(path: string, fields: Record<string, string>): Promise<{ ok: boolean; url: string | null }> {
  const response = await fetch(`${AUTH}/${path}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ ...fields, csrfToken: await csrfToken(), json: "true" }),
  });
  const body = (await response.json().catch(() => ({}))) as { url?: string };
  return { ok: response.ok, url: body.url ?? null };
}

export type SignInResult = { ok: boolean; error: string | null };

/** Email and password: sets the session cookie, or says why not (next-auth's error code). */
export async function signInWithPassword(email: string, password: string): Promise<SignInResult> {
  const { ok, url } = await post("callback/credentials", { email, password, callbackUrl: window.location.href });
  const error = url ? new URL(url, window.location.href).searchParams.get("error") : "CredentialsSignin";
  return { ok: ok && !error, error };
}

/** A sign-in provider (GitHub, Google): off to its page, coming back to `callbackUrl`. */
export async function signInWithProvider(provider: string, callbackUrl: string): Promise<void> {
  const { url } = await post(`signin/${encodeURIComponent(provider)}`, { callbackUrl });
  window.location.href = url ?? callbackUrl;
}

/** Ends this device's session (the cookie, and the server's session row) and opens `callbackUrl`. */
export async function signOut(callbackUrl: string): Promise<void> {
  const { url } = await post("signout", { callbackUrl });
  window.location.href = url ?? callbackUrl;
}
