import { ChevronLeft, type LucideIcon } from "lucide-react";
import Link from "next/link";
import { Button } from "@ringback/ui/button";

/**
 * The app's not-found look for something that does not exist, is not yours, or was just deleted
 * (a message, a Library item): a way back, the words, and a button to the list it belongs to.
 */
export function GoneState({
  icon: Icon,
  title,
  detail,
  back,
}: {
  icon: LucideIcon;
  title: string;
  detail?: string;
  /** the list to go back to, e.g. { href: "/calls", label: "Calls" } */
  back: { href: string; label: string };
}) {
  return (
    <>
      <Link href={back.href} className="mb-4 inline-flex items-center gap-1 text-sm font-medium text-primary hover:underline">
        <ChevronLeft className="size-4" aria-hidden="true" />
        {back.label}
      </Link>
      <div className="flex flex-col items-center gap-4 py-20 text-center">
        <span className="inline-flex size-14 items-center justify-center rounded-full bg-muted text-muted-foreground">
          <Icon className="size-7" aria-hidden="true" />
        </span>
        <div className="flex flex-col gap-1.5">
          <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
          {detail ? <p className="text-muted-foreground">{detail}</p> : null}
        </div>
        <Button asChild>
          <Link href={back.href}>Go to {back.label}</Link>
        </Button>
      </div>
    </>
  );
}
