import type { LibraryItemView } from "@ringback/core/library";

/** A length as a player shows it: "0:07", "12:03", "1:02:09". */
export function formatLength(durationMs: number | null): string {
  if (durationMs === null || !Number.isFinite(durationMs) || durationMs < 0) return "";
  const total = Math.floor(durationMs / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = (total % 60).toString().padStart(2, "0");
  return hours > 0 ? `${hours}:${minutes.toString().padStart(2, "0")}:${seconds}` : `${minutes}:${seconds}`;
}

const startOfDay = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();

/** The day a group of items was captured: "Today", "Yesterday", "Monday, 23 November" (with the year when it is not this one). */
export function dayHeading(date: Date, now = new Date()): string {
  const days = Math.round((startOfDay(now) - startOfDay(date)) / 86_400_000);
  if (days === 0) return "Today";
  if (days === 1) return "Yesterday";
  const weekday = date.toLocaleDateString("en-GB", { weekday: "long" });
  const dayMonth = date.toLocaleDateString("en-GB", { day: "numeric", month: "long" });
  return date.getFullYear() === now.getFullYear() ? `${weekday}, ${dayMonth}` : `${weekday}, ${dayMonth} ${date.getFullYear()}`;
}

/** The key of the day an item belongs to, in local time. */
export function dayKey(date: Date): string {
  return `${date.getFullYear()}-${date.getMonth()}-${date.getDate()}`;
}

/** Items grouped by the day they were captured, newest day first (the list is already newest first). */
export function groupByDay<T extends Pick<LibraryItemView, "capturedAt">>(items: ReadonlyArray<T>): Array<{ key: string; date: Date; items: T[] }> {
  const groups: Array<{ key: string; date: Date; items: T[] }> = [];
  for (const item of items) {
    const date = new Date(item.capturedAt);
    const key = dayKey(date);
    const last = groups.at(-1);
    if (last && last.key === key) last.items.push(item);
    else groups.push({ key, date, items: [item] });
  }
  return groups;
}

/** "15:41": the time of day an item was captured. */
export function timeOfDay(date: Date): string {
  return date.toLocaleTimeString(undefined, { hour: "numeric", minute: "2-digit" });
}

/** A calm word for an item that is not ready, or null when it is. */
export function statusText(item: Pick<LibraryItemView, "status" | "kind">): string | null {
  switch (item.status) {
    case "ready":
      return null;
    case "capturing":
      return "Saving…";
    case "recording":
      return "Recording…";
    case "processing":
      return "Preparing…";
    case "failed":
      return "Couldn’t be saved";
  }
}

/** The tab names, in order. */
export const LIBRARY_TABS = [
  { filter: "all", label: "All" },
  { filter: "live-photo", label: "Live Photos" },
  { filter: "recording", label: "Recordings" },
  { filter: "saved-message", label: "Saved Messages" },
] as const;
