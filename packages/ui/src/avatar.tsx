import type { ComponentProps } from "react";
import { cn } from "./cn";

// Backgrounds for white initials: each gives at least 4.9:1 (WCAG AA for small text; the 500/600
// shades measured 3-4.4:1 in the axe scan, e2e/a11y.spec.ts).
const PALETTE = [
  "bg-rose-700",
  "bg-orange-700",
  "bg-amber-700",
  "bg-lime-700",
  "bg-emerald-700",
  "bg-teal-700",
  "bg-sky-700",
  "bg-indigo-600",
  "bg-violet-600",
  "bg-fuchsia-700",
] as const;

/** Up to two initials from a display name ("Ana María López" → "AL"). */
export function initialsFrom(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const first = words[0];
  if (!first) return "?";
  const last = words.length > 1 ? words[words.length - 1] : undefined;
  const letters = [first, last].filter((w): w is string => Boolean(w)).map((w) => Array.from(w)[0] ?? "");
  return letters.join("").toUpperCase();
}

/** A colour class chosen from the id, so the same person keeps the same colour everywhere. */
export function colorFor(id: string): string {
  // FNV-1a with a final mix: cheap, and spreads uuids evenly over the palette (see avatar.test.ts).
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  return PALETTE[(hash >>> 0) % PALETTE.length] ?? PALETTE[0];
}

const SIZES = {
  sm: "size-8 text-xs",
  md: "size-10 text-sm",
  lg: "size-14 text-lg",
  xl: "size-20 text-2xl",
} as const;

export type AvatarProps = Omit<ComponentProps<"span">, "children"> & {
  id: string;
  name: string;
  size?: keyof typeof SIZES;
};

/** Initials in a coloured circle. Decorative: the name is always shown or labelled next to it. */
export function Avatar({ id, name, size = "md", className, ...props }: AvatarProps) {
  return (
    <span
      data-slot="avatar"
      aria-hidden="true"
      className={cn(
        "inline-flex shrink-0 items-center justify-center rounded-full font-semibold text-white select-none",
        SIZES[size],
        colorFor(id),
        className,
      )}
      {...props}
    >
      {initialsFrom(name)}
    </span>
  );
}
