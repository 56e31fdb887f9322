"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { toast } from "~/components/toasts";
import { notifyMessage } from "~/calls/notifications";
import { useRealtimeEvent } from "~/calls/realtime-listeners";
import { receivedText } from "./labels";

/**
 * Tells the recipient a message arrived: a toast with a link to it, and a browser notification when
 * the tab is in the background. (Lists and the badge are refreshed by CallEventsProvider.)
 */
export function MessageArrivals() {
  const router = useRouter();
  useRealtimeEvent("message-received", ({ payload: { message } }) => {
    if (message.direction !== "received") return;
    const { title, action } = receivedText(message.kind, message.other.displayName);
    const href = `/messages/${message.id}`;
    toast(title, {
      id: `message-${message.id}`,
      duration: 10_000,
      action: (
        <Link
          href={href}
          onClick={() => toast.dismiss(`message-${message.id}`)}
          className="ml-auto shrink-0 rounded-full bg-primary px-3 py-1 text-[13px] font-medium text-primary-foreground outline-none hover:bg-primary/90 focus-visible:ring-[3px] focus-visible:ring-ring/50"
        >
          {action}
        </Link>
      ),
    });
    notifyMessage({ tag: `message-${message.id}`, title, body: action === "Watch" ? "Tap to watch it." : "Tap to listen.", onClick: () => router.push(href) });
  });
  return null;
}
