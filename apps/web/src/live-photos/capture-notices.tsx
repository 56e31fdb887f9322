"use client";

// STUB (foundation): the subject's "Ana took a Live Photo" toast and browser notification
export function CaptureNotices() {
  return null;
}
