import type { ReactNode } from "react";
import { Avatar } from "@ringback/ui/avatar";

/** One person in a list: avatar, name and handle, with actions on the right. */
export function PersonRow({
  id,
  displayName,
  handle,
  badge,
  children,
}: {
  id: string;
  displayName: string;
  handle: string;
  badge?: ReactNode;
  children?: ReactNode;
}) {
  return (
    // Wraps instead of squeezing: with many actions on a phone, the buttons drop below the name
    // rather than truncating it to a couple of letters.
    <li className="flex flex-wrap items-center gap-x-3 gap-y-1 px-4 py-3 sm:px-5">
      <Avatar id={id} name={displayName} />
      <div className="min-w-[8.5rem] flex-1 basis-0">
        <p className="flex min-w-0 items-center gap-1.5 text-[15px] font-medium">
          <span className="truncate">{displayName}</span>
          {badge}
        </p>
        <p className="truncate text-[13px] text-muted-foreground">@{handle}</p>
      </div>
      {children ? <div className="ml-auto flex shrink-0 items-center gap-1">{children}</div> : null}
    </li>
  );
}
