import { formatMessageDuration, type MessageKind } from "@ringback/core/messages";

/**
 * The accessible name of a message's thumbnail link: "Video message, 0:05" / "Voicemail, 0:12", or
 * for one I left myself "Your video message, 0:05" / "Your voicemail, 0:12".
 */
export function messageLinkLabel(kind: MessageKind, durationMs: number | null, sent = false): string {
  const what = sent ? (kind === "video" ? "Your video message" : "Your voicemail") : kind === "video" ? "Video message" : "Voicemail";
  const length = formatMessageDuration(durationMs);
  return length ? `${what}, ${length}` : what;
}

/** What the toast and the browser notification say when a message arrives. */
export function receivedText(kind: MessageKind, fromName: string): { title: string; action: "Watch" | "Listen" } {
  return kind === "video"
    ? { title: `${fromName} left you a video message`, action: "Watch" }
    : { title: `${fromName} left you a voicemail`, action: "Listen" };
}

/** "Video message" / "Voicemail": how the page names one kind. */
export function kindName(kind: MessageKind): string {
  return kind === "video" ? "Video message" : "Voicemail";
}

/** Under a message I left: "You left a video message · Watched" / "You left a voicemail · Not listened to yet". */
export function sentNote(kind: MessageKind, seen: boolean): string {
  return kind === "video"
    ? `You left a video message · ${seen ? "Watched" : "Not watched yet"}`
    : `You left a voicemail · ${seen ? "Listened" : "Not listened to yet"}`;
}
