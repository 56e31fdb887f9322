"use client";

import { BellRing } from "lucide-react";
import { useEffect, useState } from "react";
import { Button } from "@ringback/ui/button";
import { notificationPermission, requestNotificationPermission } from "./notifications";

/** A quiet offer to turn on call alerts; asks the browser only when the person presses the button. */
export function NotificationPrompt() {
  const [permission, setPermission] = useState<ReturnType<typeof notificationPermission> | null>(null);
  const [dismissed, setDismissed] = useState(false);
  useEffect(() => {
    setPermission(notificationPermission());
    setDismissed(window.localStorage.getItem("ringback:alerts-dismissed") === "1");
  }, []);
  if (permission !== "default" || dismissed) return null;
  return (
    <div className="mb-4 flex items-center gap-3 rounded-2xl border border-border bg-card px-4 py-3 text-sm shadow-xs">
      <BellRing className="size-5 shrink-0 text-primary" aria-hidden="true" />
      <p className="min-w-0 flex-1 text-muted-foreground">Get an alert for calls while Ringback is in the background.</p>
      <Button
        variant="ghost"
        size="sm"
        onClick={() => {
          window.localStorage.setItem("ringback:alerts-dismissed", "1");
          setDismissed(true);
        }}
      >
        Not now
      </Button>
      <Button size="sm" onClick={() => void requestNotificationPermission().then(setPermission)}>
        Turn on
      </Button>
    </div>
  );
}
