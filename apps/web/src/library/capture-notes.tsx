import { Aperture, CircleDot } from "lucide-react";
import Link from "next/link";
import { captureSummaryText, type CaptureSummary } from "@ringback/core/library";

/** What was captured in a call, under its history row: "Ana took a Live Photo of you", "You recorded this call" (mine link to the item). */
export function CaptureNotes({ captures }: { captures: ReadonlyArray<CaptureSummary> | undefined }) {
  if (!captures || captures.length === 0) return null;
  return (
    // not a list: the history's rows are list items, and tests (and screen readers) count them
    <p className="flex flex-wrap gap-x-3 gap-y-1">
      {captures.map((c) => {
        const Icon = c.kind === "live-photo" ? Aperture : CircleDot;
        const text = captureSummaryText(c);
        const body = (
          <>
            <Icon className="size-3.5 shrink-0" aria-hidden="true" />
            {text}
          </>
        );
        return (
          <span key={`${c.kind}:${c.by.id}`} className="text-[13px] leading-[18px] text-muted-foreground">
            {c.itemId ? (
              <Link href={`/library/${c.itemId}`} className="inline-flex items-center gap-1.5 rounded hover:text-foreground hover:underline focus-visible:ring-2 focus-visible:ring-ring/50 focus-visible:outline-none">
                {body}
              </Link>
            ) : (
              <span className="inline-flex items-center gap-1.5">{body}</span>
            )}
          </span>
        );
      })}
    </p>
  );
}
