"use client";

import { useEffect } from "react";
import "./online";

/**
 * Registers /sw.js (public/sw.js: offline copies of Calls and Contacts, cached build files, and the
 * Web Push handlers it imports). Only in production builds: in `next dev` a worker caching
 * /_next/static would fight hot reloading.
 */
export function RegisterServiceWorker() {
  useEffect(() => {
    if (process.env.NODE_ENV !== "production" || !("serviceWorker" in navigator)) return;
    // updateViaCache "none": the imported /sw-push.js is re-checked on every update too
    navigator.serviceWorker.register("/sw.js", { scope: "/", updateViaCache: "none" }).catch((error: unknown) => {
      // the app works the same without it, only not offline (and without push)
      console.warn("Service worker registration failed", error);
    });
  }, []);
  return null;
}

/**
 * Asks the worker to keep fresh offline copies of Calls and Contacts, a while after a signed-in page
 * has loaded (the worker refetches each at most every ten minutes). Mounted in the signed-in layout.
 */
export function WarmOfflinePages() {
  useEffect(() => {
    if (process.env.NODE_ENV !== "production" || !("serviceWorker" in navigator)) return;
    let cancelled = false;
    const timer = window.setTimeout(() => {
      void navigator.serviceWorker.ready.then((registration) => {
        if (!cancelled && navigator.onLine) registration.active?.postMessage({ type: "ringback:warm" });
      });
    }, 5_000);
    return () => {
      cancelled = true;
      window.clearTimeout(timer);
    };
  }, []);
  return null;
}

/**
 * On the sign-in and sign-up pages: nobody is signed in on this device, so the worker forgets the
 * offline copies of the last person's pages (also when their session ended elsewhere).
 */
export function ForgetOfflinePages() {
  useEffect(() => {
    if (!("serviceWorker" in navigator)) return;
    void navigator.serviceWorker.getRegistration("/").then((registration) => {
      registration?.active?.postMessage({ type: "ringback:forget" });
    });
  }, []);
  return null;
}
