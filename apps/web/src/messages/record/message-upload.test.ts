import { describe, expect, it } from "vitest";
import { describeUploadError, isTransient, readableBody } from "./message-upload";

/** The shape of tus-js-client's DetailedError, as the upload sees it. */
function httpError(status: number, body = ""): Error {
  return Object.assign(new Error(`tus: unexpected response, status ${status}`), {
    originalRequest: {},
    originalResponse: { getStatus: () => status, getBody: () => body, getHeader: () => undefined, getUnderlyingObject: () => null },
    causingError: null,
  });
}

describe("upload errors as the person reads them", () => {
  it("shows the API's own sentence for a refusal", () => {
    expect(describeUploadError(httpError(422, "Messages can be at most 3 minutes"))).toBe("Messages can be at most 3 minutes");
    expect(describeUploadError(httpError(413, "Messages can be at most 250 MB\n"))).toBe("Messages can be at most 250 MB");
    expect(describeUploadError(httpError(415, JSON.stringify({ message: "That file is not a playable recording" })))).toBe(
      "That file is not a playable recording",
    );
    expect(describeUploadError(httpError(413, JSON.stringify({ error: "Your Library is full (1 GB of 1 GB used). Delete something to make room." })))).toBe(
      "Your Library is full (1 GB of 1 GB used). Delete something to make room.",
    );
  });

  it("never shows markup, stack traces or an empty body", () => {
    expect(describeUploadError(httpError(404, "<html><body>Not Found</body></html>"))).toBe("This message can no longer be sent.");
    expect(describeUploadError(httpError(400, "Error: boom\n    at x (y.js:1:1)"))).toBe("The message couldn’t be sent.");
    expect(describeUploadError(httpError(413))).toBe("This recording is too large to send.");
    expect(readableBody("   ")).toBeNull();
  });

  it("tells a lost connection and a server error apart from a refusal", () => {
    const offline = Object.assign(new Error("tus: failed to upload chunk"), { originalRequest: {}, originalResponse: null });
    expect(describeUploadError(offline)).toMatch(/connection was lost/);
    expect(describeUploadError(httpError(502))).toMatch(/couldn’t save/);
  });

  it("retries network failures, server errors, offset conflicts and locks; not refusals", () => {
    expect(isTransient(Object.assign(new Error("x"), { originalRequest: {}, originalResponse: null }))).toBe(true);
    for (const status of [500, 502, 503, 409, 423]) expect(isTransient(httpError(status))).toBe(true);
    for (const status of [400, 401, 403, 404, 413, 415, 422]) expect(isTransient(httpError(status))).toBe(false);
  });
});
