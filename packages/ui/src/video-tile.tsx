import { MicOff } from "lucide-react";
import type { ReactNode } from "react";
import { Avatar } from "./avatar";
import { cn } from "./cn";

export type ConnectionQualityLevel = "excellent" | "good" | "poor" | "lost" | "unknown";

export type VideoTileProps = {
  /** The person shown; also the tile's accessible name. */
  name: string;
  /** Whose initials the avatar shows when that differs from `name` (the self view is "You"). */
  avatarName?: string;
  /** Stable id used for the avatar colour. */
  avatarId: string;
  /** The <video> element (or nothing when the camera is off: the avatar shows instead). */
  video?: ReactNode;
  muted?: boolean;
  speaking?: boolean;
  quality?: ConnectionQualityLevel;
  /** A short line under the avatar when there is no video, e.g. "Ringing…". */
  status?: string;
  /** "stage" fills its box, "pip" is the small self view, "grid" is one of several. */
  variant?: "stage" | "grid" | "pip";
  /** Makes the tile a button, e.g. to focus it full size. */
  onSelect?: () => void;
  selectLabel?: string;
  hideName?: boolean;
  className?: string;
};

const QUALITY_BARS: Record<ConnectionQualityLevel, number> = { excellent: 3, good: 2, poor: 1, lost: 0, unknown: 3 };

/** A person in a call: their video, or their avatar when there is none, with name and muted state. */
export function VideoTile({
  name,
  avatarName,
  avatarId,
  video,
  muted = false,
  speaking = false,
  quality,
  status,
  variant = "grid",
  onSelect,
  selectLabel,
  hideName = false,
  className,
}: VideoTileProps) {
  const small = variant === "pip";
  return (
    <figure
      aria-label={name}
      data-speaking={speaking || undefined}
      className={cn(
        "relative isolate m-0 overflow-hidden bg-neutral-800 text-white",
        variant === "stage" ? "size-full" : "rounded-2xl",
        small && "shadow-xl ring-1 ring-white/15",
        speaking && variant !== "stage" && "ring-[3px] ring-primary",
        className,
      )}
    >
      {video ? (
        <div className="absolute inset-0 [&>video]:size-full [&>video]:object-cover">{video}</div>
      ) : (
        <div className="absolute inset-0 flex flex-col items-center justify-center gap-3 bg-gradient-to-b from-neutral-700 to-neutral-900">
          <Avatar
            id={avatarId}
            name={avatarName ?? name}
            size={small ? "md" : "xl"}
            className={cn(variant === "stage" && "size-28 text-4xl sm:size-36 sm:text-5xl", speaking && "ring-4 ring-primary/70")}
          />
          {status && !small ? <p className="text-sm text-white/75">{status}</p> : null}
        </div>
      )}

      {onSelect ? (
        <button
          type="button"
          aria-label={selectLabel ?? `Focus ${name}`}
          onClick={onSelect}
          className="absolute inset-0 z-10 outline-none focus-visible:ring-[3px] focus-visible:ring-white/70 focus-visible:ring-inset"
        />
      ) : null}

      {quality && quality !== "unknown" && !small ? (
        <span
          role="img"
          aria-label={`${name}: connection ${quality}`}
          title={`Connection ${quality}`}
          className="absolute top-3 right-3 z-20 flex h-4 items-end gap-0.5 rounded-md bg-black/35 px-1.5 py-0.5 backdrop-blur"
        >
          {[1, 2, 3].map((bar) => (
            <span
              key={bar}
              className={cn(
                "w-1 rounded-sm",
                bar === 1 ? "h-1" : bar === 2 ? "h-2" : "h-3",
                bar <= QUALITY_BARS[quality] ? (quality === "poor" || quality === "lost" ? "bg-amber-400" : "bg-white") : "bg-white/30",
              )}
            />
          ))}
        </span>
      ) : null}

      {!hideName || muted ? (
        <figcaption
          className={cn(
            "absolute z-20 flex max-w-[calc(100%-1rem)] items-center gap-1.5 rounded-full bg-black/40 font-medium backdrop-blur",
            small ? "bottom-1.5 left-1.5 px-1.5 py-0.5 text-[11px]" : "left-3 px-2.5 py-1 text-[13px]",
            // On the full stage the call controls sit at the bottom: keep the name chip above them.
            variant === "stage" ? "bottom-36 sm:bottom-32" : !small && "bottom-3",
          )}
        >
          {muted ? (
            <MicOff role="img" aria-label={`${name} is muted`} className={cn("shrink-0 text-red-300", small ? "size-3" : "size-3.5")} />
          ) : null}
          {!hideName ? <span className="truncate">{name}</span> : null}
        </figcaption>
      ) : null}
    </figure>
  );
}
