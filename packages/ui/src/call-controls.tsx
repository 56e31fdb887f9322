"use client";

import type { LucideIcon } from "lucide-react";
import { useEffect, useId, useState, type ComponentProps, type MouseEvent, type ReactNode } from "react";
import { cn } from "./cn";

/** How long the reason of an unavailable control stays up after it is pressed. */
export const REASON_SHOWN_MS = 4_000;

/**
 * The row of round call buttons; a toolbar so arrow-key users and screen readers see it as one group.
 * On a phone it stays one row: the columns narrow to share the width (End never moves to a row of its own).
 */
export function CallControls({ label = "Call controls", className, children }: { label?: string; className?: string; children: ReactNode }) {
  return (
    <div
      role="toolbar"
      aria-label={label}
      className={cn(
        "flex max-w-full flex-nowrap items-start justify-center gap-x-1 gap-y-2 rounded-[28px] bg-neutral-900/70 px-2 py-3 text-white shadow-2xl ring-1 ring-white/10 backdrop-blur-xl sm:flex-wrap sm:gap-x-4 sm:px-5",
        className,
      )}
    >
      {children}
    </div>
  );
}

export type ControlButtonProps = Omit<ComponentProps<"button">, "children"> & {
  /** Accessible name, also shown as a caption under the button. */
  label: string;
  /** Shorter visible caption when the accessible name is long. */
  caption?: string;
  icon: LucideIcon;
  /** For toggles: true when the thing named by `label` is on (muted, camera off, sharing). */
  pressed?: boolean;
  tone?: "neutral" | "danger" | "accept";
  size?: "md" | "lg";
  /** Classes for the button-plus-caption wrapper (e.g. to hide the whole control on small screens). */
  containerClassName?: string;
  /**
   * Why the control can't be used right now. When set, the button stays focusable but is
   * aria-disabled, described by this sentence, which shows in a bubble above it on hover, on focus
   * and for a few seconds after each press (each press shows it again); `onClick` is not called.
   */
  unavailableReason?: string | null;
};

export function ControlButton({
  label,
  caption,
  icon: Icon,
  pressed,
  tone = "neutral",
  size = "md",
  className,
  containerClassName,
  unavailableReason,
  onClick,
  ...props
}: ControlButtonProps) {
  const reasonId = useId();
  // presses of the unavailable control since the bubble last went away; each one restarts its time
  const [presses, setPresses] = useState(0);
  useEffect(() => {
    if (presses === 0) return;
    const timer = window.setTimeout(() => setPresses(0), REASON_SHOWN_MS);
    return () => window.clearTimeout(timer);
  }, [presses]);
  const reason = unavailableReason || null;
  useEffect(() => {
    if (!reason) setPresses(0);
  }, [reason]);

  function handleClick(event: MouseEvent<HTMLButtonElement>) {
    if (reason) {
      setPresses((n) => n + 1);
      return;
    }
    onClick?.(event);
  }

  return (
    <span
      className={cn(
        "group/control relative flex min-w-0 flex-col items-center gap-1.5",
        size === "lg" ? "w-20 shrink-0" : "w-14 sm:w-16",
        containerClassName,
      )}
    >
      <button
        type="button"
        aria-label={label}
        aria-pressed={pressed}
        title={reason ? undefined : label}
        className={cn(
          "peer/control inline-flex shrink-0 items-center justify-center rounded-full transition-colors outline-none focus-visible:ring-[3px] focus-visible:ring-white/70 disabled:opacity-50",
          size === "lg" ? "size-16" : "size-11 sm:size-14",
          tone === "danger" && "bg-red-500 text-white hover:bg-red-600",
          tone === "accept" && "bg-green-500 text-white hover:bg-green-600",
          tone === "neutral" && (pressed ? "bg-white text-neutral-900 hover:bg-white/90" : "bg-white/15 text-white hover:bg-white/25"),
          reason && "cursor-not-allowed opacity-50 hover:bg-white/15",
          className,
        )}
        {...props}
        {...(reason ? { "aria-disabled": true, "aria-describedby": reasonId } : {})}
        onClick={handleClick}
      >
        <Icon className={size === "lg" ? "size-7" : "size-5 sm:size-6"} aria-hidden="true" />
      </button>
      <span aria-hidden="true" className="max-w-full truncate text-center text-[11px] leading-tight font-medium text-white/85">
        {caption ?? label}
      </span>
      {reason ? <ReasonTooltip id={reasonId} reason={reason} shown={presses > 0} /> : null}
      {/* a press is also announced (the description alone is read only on focus) */}
      {reason && presses > 0 ? (
        <span key={presses} role="alert" className="sr-only">
          {reason}
        </span>
      ) : null}
    </span>
  );
}

/**
 * The dark bubble above a call control that says why it can't be used: shown while the control is
 * hovered (inside a `group/control`) or focused from the keyboard (after a `peer/control` button),
 * and while `shown`.
 */
export function ReasonTooltip({ id, reason, shown }: { id: string; reason: string; shown: boolean }) {
  return (
    <span
      id={id}
      role="tooltip"
      className={cn(
        "pointer-events-none absolute bottom-full left-1/2 z-40 mb-2 w-max max-w-[min(14rem,calc(100vw-2rem))] -translate-x-1/2 rounded-xl bg-neutral-950/90 px-3 py-2 text-center text-xs font-medium text-white shadow-lg ring-1 ring-white/15",
        shown ? "block" : "hidden group-hover/control:block peer-focus-visible/control:block",
      )}
    >
      {reason}
    </span>
  );
}
