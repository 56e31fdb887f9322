"use client";

import { lazy, Suspense, useEffect, useSyncExternalStore } from "react";
import type { ExternalToast, ToasterProps } from "sonner";

/*
 * Toasts without sonner on the first pages: its ~10 KB of gzip'd script arrives with the first toast,
 * not with every page (the JavaScript budget, e2e/js-budget.spec.ts). `toast` here has the parts of
 * sonner's API the app uses; the <Toasts /> in the root layout mounts sonner's Toaster on first use,
 * and a toast is handed to sonner only once that Toaster listens (sonner drops toasts nobody hears).
 */

type Sonner = typeof import("sonner");
type Message = Parameters<Sonner["toast"]>[0];

let wanted = false;
const listeners = new Set<() => void>();
let loading: Promise<Sonner> | null = null;
let markListening: () => void = () => {};
const listening = new Promise<void>((resolve) => {
  markListening = resolve;
});

function sonner(): Promise<Sonner> {
  if (!wanted) {
    wanted = true;
    for (const listener of listeners) listener();
  }
  loading ??= import("sonner");
  return Promise.all([loading, listening]).then(([module]) => module);
}

function show(kind: "default" | "error" | "success", message: Message, data?: ExternalToast): void {
  void sonner().then(({ toast: t }) => {
    if (kind === "error") t.error(message, data);
    else if (kind === "success") t.success(message, data);
    else t(message, data);
  });
}

export const toast = Object.assign((message: Message, data?: ExternalToast) => show("default", message, data), {
  error: (message: Message, data?: ExternalToast) => show("error", message, data),
  success: (message: Message, data?: ExternalToast) => show("success", message, data),
  dismiss: (id?: string | number) => {
    // nothing to dismiss before the first toast
    if (loading) void sonner().then(({ toast: t }) => t.dismiss(id));
  },
});

const Toaster = lazy(() => import("sonner").then((m) => ({ default: m.Toaster })));

/** Tells the waiting toasts that sonner's Toaster is mounted (and so subscribed). */
function Listening() {
  useEffect(() => markListening(), []);
  return null;
}

/** sonner's Toaster, mounted once the first toast is asked for. */
export function Toasts(props: ToasterProps) {
  const needed = useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => wanted,
    () => false,
  );
  if (!needed) return null;
  return (
    <Suspense fallback={null}>
      <Toaster {...props} />
      <Listening />
    </Suspense>
  );
}
