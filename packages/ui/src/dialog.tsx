"use client";

import * as DialogPrimitive from "@radix-ui/react-dialog";
import { X } from "lucide-react";
import { useRef, type ComponentProps } from "react";
import { cn } from "./cn";

/*
 * The one modal dialog of the app, on Radix: focus moves in on open, Tab is trapped inside, focus
 * returns to the opener on close, the rest of the page is hidden from screen readers and cannot be
 * scrolled, and the dialog is named by its DialogTitle.
 */

export const Dialog = DialogPrimitive.Root;
export const DialogTrigger = DialogPrimitive.Trigger;
export const DialogClose = DialogPrimitive.Close;

export type DialogContentProps = ComponentProps<typeof DialogPrimitive.Content> & {
  /**
   * False where closing without a decision must not be possible (an incoming call is answered or
   * declined, never waved away): Escape and clicks outside then do nothing, and there is no ✕.
   */
  dismissible?: boolean;
  /** "center": a card in the middle of the screen; "fullscreen": covers the whole screen. */
  layout?: "center" | "fullscreen";
  /** Show the ✕ button in the corner (only for dismissible dialogs). */
  showClose?: boolean;
  overlayClassName?: string;
};

export function DialogContent({
  className,
  overlayClassName,
  children,
  dismissible = true,
  layout = "center",
  showClose = true,
  onEscapeKeyDown,
  onInteractOutside,
  onOpenAutoFocus,
  onCloseAutoFocus,
  ...props
}: DialogContentProps) {
  // What had focus before the dialog opened. Radix returns focus only to a DialogTrigger; dialogs
  // opened from code (a confirmation, a ring) would otherwise drop keyboard users at the page top.
  const openerRef = useRef<HTMLElement | null>(null);
  return (
    <DialogPrimitive.Portal>
      <DialogPrimitive.Overlay
        data-slot="dialog-overlay"
        className={cn(
          "fixed inset-0 z-50",
          layout === "center" ? "bg-black/40 backdrop-blur-[2px] motion-safe:animate-[rb-fade-in_150ms_ease-out]" : "bg-black",
          overlayClassName,
        )}
      />
      <DialogPrimitive.Content
        data-slot="dialog-content"
        // Radix hides everything else with aria-hidden; aria-modal says the same to screen readers
        // that look for it (and lets tests tell a modal from other dialog-like regions).
        aria-modal="true"
        onOpenAutoFocus={(event) => {
          // fires before Radix moves focus in, so activeElement is still the opener
          openerRef.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
          onOpenAutoFocus?.(event);
        }}
        onCloseAutoFocus={(event) => {
          onCloseAutoFocus?.(event);
          const opener = openerRef.current;
          openerRef.current = null;
          if (event.defaultPrevented || !opener?.isConnected) return;
          event.preventDefault();
          opener.focus();
        }}
        onEscapeKeyDown={(event) => {
          if (!dismissible) event.preventDefault();
          onEscapeKeyDown?.(event);
        }}
        onInteractOutside={(event) => {
          if (!dismissible) event.preventDefault();
          onInteractOutside?.(event);
        }}
        className={cn(
          "z-50 outline-none",
          layout === "center"
            ? "fixed top-1/2 left-1/2 flex max-h-[calc(100dvh-2rem)] w-[calc(100%-2rem)] max-w-md -translate-x-1/2 -translate-y-1/2 flex-col overflow-y-auto rounded-3xl border border-border bg-card text-card-foreground shadow-2xl motion-safe:animate-[rb-dialog-in_150ms_ease-out]"
            : "fixed inset-0 overflow-y-auto",
          className,
        )}
        {...props}
      >
        {children}
        {dismissible && showClose ? (
          <DialogPrimitive.Close
            aria-label="Close"
            className="absolute top-4 right-4 inline-flex size-9 items-center justify-center rounded-full text-muted-foreground transition-colors outline-none hover:bg-accent hover:text-foreground focus-visible:ring-[3px] focus-visible:ring-ring/50 sm:size-8"
          >
            <X className="size-4" aria-hidden="true" />
          </DialogPrimitive.Close>
        ) : null}
      </DialogPrimitive.Content>
    </DialogPrimitive.Portal>
  );
}

export function DialogHeader({ className, ...props }: ComponentProps<"div">) {
  return <div data-slot="dialog-header" className={cn("flex flex-col gap-1.5 px-6 pt-6", className)} {...props} />;
}

export function DialogFooter({ className, ...props }: ComponentProps<"div">) {
  return (
    <div
      data-slot="dialog-footer"
      className={cn("flex flex-col-reverse gap-2 px-6 pt-4 pb-6 sm:flex-row sm:justify-end", className)}
      {...props}
    />
  );
}

export function DialogTitle({ className, ...props }: ComponentProps<typeof DialogPrimitive.Title>) {
  return <DialogPrimitive.Title data-slot="dialog-title" className={cn("text-lg font-semibold tracking-tight", className)} {...props} />;
}

/** Renders a <div> (not Radix's <p>), so a description may hold paragraphs of its own. */
export function DialogDescription({ className, children, ...props }: ComponentProps<typeof DialogPrimitive.Description>) {
  return (
    <DialogPrimitive.Description asChild {...props}>
      <div data-slot="dialog-description" className={cn("text-sm text-muted-foreground", className)}>
        {children}
      </div>
    </DialogPrimitive.Description>
  );
}
