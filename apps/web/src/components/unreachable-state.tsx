import { CloudOff } from "lucide-react";
import { Logo } from "./logo";

/** How often the page tries again by itself while the API cannot serve it. */
export const UNREACHABLE_RETRY_SECONDS = 5;

/**
 * A whole page for when the API cannot be reached or cannot serve right now (restarting, its
 * database restarting): calm words instead of an error page, and the page reloads itself every few
 * seconds so the person is back where they were as soon as Ringback is.
 */
export function UnreachableState() {
  return (
    <main className="flex min-h-dvh flex-col items-center justify-center gap-6 px-6 text-center">
      {/* React 19 hoists <meta> into <head>; a plain refresh needs no script */}
      <meta httpEquiv="refresh" content={String(UNREACHABLE_RETRY_SECONDS)} />
      <Logo />
      <span className="inline-flex size-14 items-center justify-center rounded-full bg-muted text-muted-foreground">
        <CloudOff className="size-7" aria-hidden="true" />
      </span>
      <div role="status" className="flex max-w-sm flex-col gap-1.5">
        <h1 className="text-2xl font-semibold tracking-tight">Can’t reach Ringback right now</h1>
        <p className="text-muted-foreground">It’s not you. This page will try again in a moment.</p>
      </div>
    </main>
  );
}
