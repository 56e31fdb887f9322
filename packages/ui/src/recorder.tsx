import type { ComponentProps, ReactNode } from "react";
import { cn } from "./cn";

/*
 * The pieces of the message recorder screens (video message, voicemail): the stage the camera or
 * the take plays on, the countdown, the recording clock and the big record/stop button. Layout and
 * look only; the recording itself lives in the web app's controllers.
 */

/** The dark full-screen frame: a top bar, the stage in the middle, the controls at the bottom. */
export function RecorderLayout({ top, children, bottom, className }: { top: ReactNode; children: ReactNode; bottom: ReactNode; className?: string }) {
  return (
    <div
      className={cn(
        "flex h-dvh flex-col bg-black text-white",
        "pt-[max(0.75rem,env(safe-area-inset-top))] pb-[max(1.25rem,env(safe-area-inset-bottom))]",
        className,
      )}
    >
      <div className="flex min-h-12 items-center gap-3 px-4 sm:px-6">{top}</div>
      <div className="relative flex min-h-0 flex-1 items-center justify-center px-2 py-3 sm:px-6">{children}</div>
      <div className="flex min-h-[7.5rem] items-center justify-center px-4">{bottom}</div>
    </div>
  );
}

/** Where the self-view or the take plays: as large as the screen allows, rounded, never stretched. */
export function RecorderStage({ children, dimmed = false, className }: { children: ReactNode; dimmed?: boolean; className?: string }) {
  return (
    <div
      className={cn(
        "relative isolate flex size-full max-w-5xl items-center justify-center overflow-hidden rounded-[28px] bg-neutral-900 shadow-2xl ring-1 ring-white/10",
        "[&_video]:size-full [&_video]:object-cover sm:[&_video]:object-contain",
        className,
      )}
    >
      {children}
      <div aria-hidden="true" className={cn("pointer-events-none absolute inset-0 bg-black/45 transition-opacity duration-300", dimmed ? "opacity-100" : "opacity-0")} />
    </div>
  );
}

/** The 3-2-1 before recording: one big number, announced as a status. */
export function RecorderCountdown({ count }: { count: number }) {
  return (
    <div className="pointer-events-none absolute inset-0 z-10 flex items-center justify-center">
      <p
        role="status"
        key={count}
        className="flex size-36 items-center justify-center rounded-full bg-black/35 text-8xl font-semibold tabular-nums text-white shadow-2xl ring-1 ring-white/20 backdrop-blur-md motion-safe:animate-[rb-dialog-in_400ms_ease-out]"
      >
        {count}
      </p>
    </div>
  );
}

/** The recording clock ("0:07"), with a pulsing dot while it runs and the limit beside it. */
export function RecorderTimer({ text, limitText, running, label = "Recording time", className }: { text: string; limitText?: string; running: boolean; label?: string; className?: string }) {
  return (
    <div className={cn("inline-flex items-center gap-2 rounded-full bg-black/55 px-3.5 py-1.5 text-sm font-medium shadow-lg ring-1 ring-white/10 backdrop-blur-md", className)}>
      <span
        aria-hidden="true"
        className={cn("size-2.5 rounded-full", running ? "bg-red-500 motion-safe:animate-pulse" : "bg-white/40")}
      />
      <span role="timer" aria-label={label} className="tabular-nums">
        {text}
      </span>
      {limitText ? (
        <span className="text-white/55 tabular-nums">
          <span aria-hidden="true">/ </span>
          <span className="sr-only">of at most </span>
          {limitText}
        </span>
      ) : null}
    </div>
  );
}

/**
 * The round record button: a red disc, or (while recording) a red square to stop. During the 3-2-1
 * (`countdown`) it is an active Cancel: a white ring with a cross, back to ready.
 */
export function RecordButton({
  recording,
  countdown = false,
  label,
  className,
  ...props
}: Omit<ComponentProps<"button">, "children"> & { recording: boolean; countdown?: boolean; label: string }) {
  return (
    <span className="flex flex-col items-center gap-1.5">
      <button
        type="button"
        aria-label={label}
        title={label}
        className={cn(
          "inline-flex size-[4.75rem] items-center justify-center rounded-full border-4 border-white/90 bg-transparent transition-transform outline-none focus-visible:ring-[3px] focus-visible:ring-white/70 active:scale-95 disabled:opacity-50",
          countdown && "bg-white/15 hover:bg-white/25",
          className,
        )}
        {...props}
      >
        {countdown ? (
          <span aria-hidden="true" className="relative size-7">
            <span className="absolute top-1/2 left-0 h-[3px] w-full -translate-y-1/2 rotate-45 rounded-full bg-white" />
            <span className="absolute top-1/2 left-0 h-[3px] w-full -translate-y-1/2 -rotate-45 rounded-full bg-white" />
          </span>
        ) : (
          <span
            aria-hidden="true"
            className={cn("bg-red-500 transition-all duration-200", recording ? "size-7 rounded-md" : "size-[3.75rem] rounded-full")}
          />
        )}
      </button>
      <span aria-hidden="true" className="text-[11px] leading-tight font-medium text-white/85">
        {label}
      </span>
    </span>
  );
}

/** A one-line note on the dark screen: progress ("Sending…"), success, or a problem with its fix. */
export function RecorderNote({ tone = "neutral", children, className, ...props }: ComponentProps<"p"> & { tone?: "neutral" | "success" | "error" }) {
  return (
    <p
      className={cn(
        "inline-flex max-w-md items-center gap-2 rounded-2xl px-4 py-2 text-center text-sm font-medium shadow-lg backdrop-blur-md",
        tone === "neutral" && "bg-white/12 text-white",
        tone === "success" && "bg-green-500/90 text-white",
        tone === "error" && "bg-red-500/90 text-white",
        className,
      )}
      {...props}
    >
      {children}
    </p>
  );
}
