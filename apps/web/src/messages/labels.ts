import { formatMessageDuration, type MessageKind } from "@ringback/core/messages";

/** The accessible name of a message's thumbnail link: "Video message, 0:05" / "Voicemail, 0:12". */
export function messageLinkLabel(kind: MessageKind, durationMs: number | null): string {
  const what = kind === "video" ? "Video message" : "Voicemail";
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
