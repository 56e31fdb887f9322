import { describe, expect, it } from "vitest";
import { messageLinkLabel, receivedText, sentNote } from "./labels";

describe("messageLinkLabel", () => {
  it("names the kind and the length, as the history row's link reads", () => {
    expect(messageLinkLabel("video", 5_200)).toBe("Video message, 0:05");
    expect(messageLinkLabel("voicemail", 72_000)).toBe("Voicemail, 1:12");
  });

  it("tells my own message apart from one left for me", () => {
    expect(messageLinkLabel("video", 5_200, true)).toBe("Your video message, 0:05");
    expect(messageLinkLabel("voicemail", 12_000, true)).toBe("Your voicemail, 0:12");
  });

  it("leaves the length out while it is unknown", () => {
    expect(messageLinkLabel("voicemail", null)).toBe("Voicemail");
  });
});

describe("receivedText", () => {
  it("says who left what, and whether to watch or listen", () => {
    expect(receivedText("video", "Ana")).toEqual({ title: "Ana left you a video message", action: "Watch" });
    expect(receivedText("voicemail", "Bo")).toEqual({ title: "Bo left you a voicemail", action: "Listen" });
  });
});

describe("sentNote", () => {
  it("says what I left and whether it was watched or listened to", () => {
    expect(sentNote("video", true)).toBe("You left a video message · Watched");
    expect(sentNote("video", false)).toBe("You left a video message · Not watched yet");
    expect(sentNote("voicemail", false)).toBe("You left a voicemail · Not listened to yet");
  });
});
