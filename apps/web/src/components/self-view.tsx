"use client";

import { useEffect, useRef } from "react";

/**
 * The person's own camera, mirrored as in a mirror (what is recorded or sent is not): the ring
 * screen's background and the video message recorder's view. Muted, so it never echoes.
 */
export function SelfView({ stream, className, label }: { stream: MediaStream; className?: string; label?: string }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const video = ref.current;
    if (!video) return;
    video.srcObject = stream;
    return () => {
      video.srcObject = null;
    };
  }, [stream]);
  return <video ref={ref} aria-label={label} autoPlay muted playsInline className={`-scale-x-100 ${className ?? ""}`.trim()} />;
}
