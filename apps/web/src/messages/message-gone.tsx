import { MessageSquareOff } from "lucide-react";
import Link from "next/link";
import { Button } from "@ringback/ui/button";

/** The app's not-found look for a message that does not exist, is not yours, or was just deleted. */
export function MessageGone({ title }: { title: string }) {
  return (
    <div className="flex flex-col items-center gap-4 py-24 text-center">
      <span className="inline-flex size-14 items-center justify-center rounded-full bg-muted text-muted-foreground">
        <MessageSquareOff className="size-7" aria-hidden="true" />
      </span>
      <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
      <Button asChild>
        <Link href="/calls">Go to Calls</Link>
      </Button>
    </div>
  );
}
