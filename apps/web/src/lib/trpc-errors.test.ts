import { TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import { errorMessage, isApiUnavailable } from "./trpc-errors";

/** A client error as the tRPC client builds it from the API's JSON error body. */
function fromApi(message: string, data: Record<string, unknown>) {
  return TRPCClientError.from({ error: { message, code: -32603, data } });
}

describe("errorMessage", () => {
  it("shows the page's own words and the API's reference for an unexpected server error", () => {
    const error = fromApi("Something went wrong. Reference: 0a1b2c3d4e5f", {
      code: "INTERNAL_SERVER_ERROR",
      httpStatus: 500,
      reference: "0a1b2c3d4e5f",
    });
    expect(errorMessage(error)).toBe("Something went wrong. Please try again. Reference: 0a1b2c3d4e5f");
    expect(errorMessage(error, "Your change wasn’t saved. Please try again.")).toBe(
      "Your change wasn’t saved. Please try again. Reference: 0a1b2c3d4e5f",
    );
  });

  it("never shows a server error's own text, and leaves out a reference that is not one", () => {
    const leaky = fromApi('Failed query: insert into "users" params: $argon2id$...', { httpStatus: 500, reference: "<b>x</b>" });
    expect(errorMessage(leaky)).toBe("Something went wrong. Please try again.");
    expect(errorMessage(fromApi("Bad gateway", { httpStatus: 502 }), "Couldn’t place the call.")).toBe("Couldn’t place the call.");
  });

  it("shows a refusal's own readable message", () => {
    expect(errorMessage(fromApi("Display name can't contain control characters", { httpStatus: 400 }))).toBe(
      "Display name can't contain control characters",
    );
  });
});

describe("an API that cannot serve right now", () => {
  it("shows the API's own 503 words, and counts 502-504 and no answer at all as unavailable", () => {
    const restarting = fromApi("Ringback can't reach its database right now. Try again in a moment.", { code: "SERVICE_UNAVAILABLE", httpStatus: 503 });
    expect(errorMessage(restarting)).toBe("Ringback can't reach its database right now. Try again in a moment.");
    expect(isApiUnavailable(restarting)).toBe(true);
    expect(isApiUnavailable(fromApi("Bad gateway", { httpStatus: 502 }))).toBe(true);
    expect(isApiUnavailable(new TRPCClientError("fetch failed"))).toBe(true);
    expect(isApiUnavailable(fromApi("Something went wrong. Reference: 0a1b2c3d4e5f", { httpStatus: 500, reference: "0a1b2c3d4e5f" }))).toBe(false);
    expect(isApiUnavailable(fromApi("Please sign in", { httpStatus: 401 }))).toBe(false);
    expect(isApiUnavailable(new Error("boom"))).toBe(false);
  });
});
