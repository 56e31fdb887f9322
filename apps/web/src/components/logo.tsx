import { Video } from "lucide-react";
import { cn } from "@ringback/ui/cn";

export function Logo({ className }: { className?: string }) {
  return (
    <span className={cn("inline-flex items-center gap-2 font-semibold tracking-tight", className)}>
      <span className="inline-flex size-8 items-center justify-center rounded-[10px] bg-gradient-to-b from-[oklch(0.72_0.17_150)] to-[oklch(0.58_0.16_150)] text-white shadow-sm">
        <Video className="size-[18px]" aria-hidden="true" />
      </span>
      <span className="text-lg">Ringback</span>
    </span>
  );
}
