import { PhoneIncoming, PhoneMissed, PhoneOutgoing } from "lucide-react";
import type { ReactNode } from "react";
import { cn } from "./cn";

export type HistoryRowProps = {
  direction: "incoming" | "outgoing";
  missed: boolean;
  /** Names (usually links to the person's calls). */
  people: ReactNode;
  /** e.g. "Video call · Declined · 2:31". */
  detail: string;
  /** Already formatted time, and its machine-readable form for <time>. */
  time: string;
  dateTime: string;
  avatar?: ReactNode;
  /** A message left on this call (a thumbnail link), shown under the detail line. */
  message?: ReactNode;
  /** A line beside the message, e.g. "You left a video message · Watched". */
  messageNote?: string;
  /** What was captured in the call ("Ana took a Live Photo of you", "You recorded this call"): small notes under the detail. */
  captures?: ReactNode;
  actions?: ReactNode;
  className?: string;
};

/** One call in a recents list; missed calls read in red, like a phone. */
export function HistoryRow({ direction, missed, people, detail, time, dateTime, avatar, message, messageNote, captures, actions, className }: HistoryRowProps) {
  const DirectionIcon = missed ? PhoneMissed : direction === "outgoing" ? PhoneOutgoing : PhoneIncoming;
  const directionText = missed ? "Missed call" : direction === "outgoing" ? "Outgoing call" : "Incoming call";
  return (
    <li className={cn("flex items-center gap-3 px-4 py-3 sm:px-5", className)} data-missed={missed || undefined}>
      {avatar}
      <div className="min-w-0 flex-1">
        <div className="flex min-w-0 items-baseline gap-2">
          <p className={cn("min-w-0 flex-1 truncate text-[15px] font-medium", missed && "text-destructive")}>{people}</p>
          <time dateTime={dateTime} className="shrink-0 text-[13px] text-muted-foreground">
            {time}
          </time>
        </div>
        {/* The detail names the kind ("Video call"), so no second icon for it. It wraps rather than
            truncates: on a phone the duration at the end is what would get cut. */}
        <p className="flex min-w-0 items-start gap-1.5 text-[13px] leading-[18px] text-muted-foreground">
          <DirectionIcon role="img" aria-label={directionText} className={cn("mt-0.5 size-3.5 shrink-0", missed && "text-destructive")} />
          <span className="min-w-0">{detail}</span>
        </p>
        {captures ? <div className="mt-1">{captures}</div> : null}
        {message ? (
          <div className="mt-2 flex items-center gap-3">
            {message}
            {messageNote ? <p className="min-w-0 text-[13px] leading-[18px] text-muted-foreground">{messageNote}</p> : null}
          </div>
        ) : null}
      </div>
      {actions ? <div className="flex shrink-0 items-center gap-0.5">{actions}</div> : null}
    </li>
  );
}
