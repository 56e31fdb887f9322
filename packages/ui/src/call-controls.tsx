import type { LucideIcon } from "lucide-react";
import type { ComponentProps, ReactNode } from "react";
import { cn } from "./cn";

/** The row of round call buttons; a toolbar so arrow-key users and screen readers see it as one group. */
export function CallControls({ label = "Call controls", className, children }: { label?: string; className?: string; children: ReactNode }) {
  return (
    <div
      role="toolbar"
      aria-label={label}
      className={cn(
        "flex flex-wrap items-start justify-center gap-x-3 gap-y-2 rounded-[28px] bg-neutral-900/70 px-3 py-3 text-white shadow-2xl ring-1 ring-white/10 backdrop-blur-xl sm:gap-x-4 sm:px-5",
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
};

export function ControlButton({ label, caption, icon: Icon, pressed, tone = "neutral", size = "md", className, containerClassName, ...props }: ControlButtonProps) {
  return (
    <span className={cn("flex flex-col items-center gap-1.5", size === "lg" ? "w-20" : "w-14 sm:w-16", containerClassName)}>
      <button
        type="button"
        aria-label={label}
        aria-pressed={pressed}
        title={label}
        className={cn(
          "inline-flex items-center justify-center rounded-full transition-colors outline-none focus-visible:ring-[3px] focus-visible:ring-white/70 disabled:opacity-50",
          size === "lg" ? "size-16" : "size-12 sm:size-14",
          tone === "danger" && "bg-red-500 text-white hover:bg-red-600",
          tone === "accept" && "bg-green-500 text-white hover:bg-green-600",
          tone === "neutral" && (pressed ? "bg-white text-neutral-900 hover:bg-white/90" : "bg-white/15 text-white hover:bg-white/25"),
          className,
        )}
        {...props}
      >
        <Icon className={size === "lg" ? "size-7" : "size-5 sm:size-6"} aria-hidden="true" />
      </button>
      <span aria-hidden="true" className="text-center text-[11px] leading-tight font-medium text-white/85">
        {caption ?? label}
      </span>
    </span>
  );
}
