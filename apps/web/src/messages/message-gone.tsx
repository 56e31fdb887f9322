import { ChevronLeft, MessageSquareOff } from "lucide-react";
import Link from "next/link";
import { Button } from "@ringback/ui/button";

/** The app's not-found look for a message that does not exist, is not yours, or was just deleted. */
export function MessageGone({ title, detail }: { title: string; detail?: string }) {
  return (
    <>
      <Link href="/calls" className="mb-4 inline-flex items-center gap-1 text-sm font-medium text-primary hover:underline">
        <ChevronLeft className="size-4" aria-hidden="true" />
        Calls
      </Link>
    <div className="flex flex-col items-center gap-4 py-20 text-center">
      <span className="inline-flex size-14 items-center justify-center rounded-full bg-muted text-muted-foreground">
        <MessageSquareOff className="size-7" aria-hidden="true" />
      </span>
      <div className="flex flex-col gap-1.5">
        <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
        {detail ? <p className="text-muted-foreground">{detail}</p> : null}
      </div>
      <Button asChild>
        <Link href="/calls">Go to Calls</Link>
      </Button>
    </div>
    </>
  );
}
