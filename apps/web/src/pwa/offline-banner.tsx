"use client";

import { WifiOff } from "lucide-react";
import { useOnline } from "./online";

/**
 * "You're offline" at the top of every signed-in page. The live region is always in the page (empty
 * while online), so screen readers hear the change both ways.
 */
export function OfflineBanner() {
  const online = useOnline();
  return (
    <div role="status" aria-live="polite">
      {online ? null : (
        <div className="mb-5 flex items-start gap-3 rounded-xl border border-amber-300/70 bg-amber-50 px-4 py-3 text-sm text-amber-950 dark:border-amber-400/30 dark:bg-amber-400/10 dark:text-amber-100">
          <WifiOff className="mt-0.5 size-[18px] shrink-0" aria-hidden="true" />
          <p>
            <span className="font-semibold">You’re offline.</span> Calling and messages need a connection. This page
            updates by itself when you’re back online.
          </p>
        </div>
      )}
    </div>
  );
}
