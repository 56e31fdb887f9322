import { describe, expect, it } from "vitest";
import { tooManyAttemptsError, tooManyAttemptsMessage } from "./auth-errors";

describe("sign-in throttle messages", () => {
  it("carry the wait from the server to a readable sentence", () => {
    expect(tooManyAttemptsMessage(tooManyAttemptsError(1))).toBe("Too many sign-in attempts. Try again in 1 second.");
    expect(tooManyAttemptsMessage(tooManyAttemptsError(8))).toBe("Too many sign-in attempts. Try again in 8 seconds.");
    expect(tooManyAttemptsMessage(tooManyAttemptsError(900))).toBe("Too many sign-in attempts. Try again in 15 minutes.");
    expect(tooManyAttemptsMessage("TooManyAttempts:nonsense")).toBe("Too many sign-in attempts. Try again in 1 minute.");
  });
  it("leave other errors alone", () => {
    expect(tooManyAttemptsMessage("CredentialsSignin")).toBeNull();
  });
});
