import { describe, expect, it } from "vitest";
import { messageLinkLabel, receivedText } from "./labels";

describe("messageLinkLabel", () => {
  it("names the kind and the length, as the history row's link reads", () => {
    expect(messageLinkLabel("video", 5_200)).toBe("Video message, 0:05");
    expect(messageLinkLabel("voicemail", 72_000)).toBe("Voicemail, 1:12");
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
