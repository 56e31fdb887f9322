import { describe, expect, it } from "vitest";
import {
  type CaptureConsent,
  decideRecording,
  LIBRARY_LIMITS,
  recordingArrivalCapDue,
  recordingCutMs,
  recordingIsIdle,
  recordingMustStop,
  recordingRefusalText,
  recordingStopReasonSchema,
  recordingStoppedText,
  recordingTakesChunks,
} from "./library";
import { ANN, BO, CY, DEE } from "./testing/call-fixtures";

const NAMES: Record<string, string> = { [ANN]: "Ann", [BO]: "Bo", [CY]: "Cy", [DEE]: "Dee" };
const person = (userId: string, allowRecording: boolean): CaptureConsent => ({
  userId,
  displayName: NAMES[userId] ?? "?",
  allowLivePhotos: true,
  allowRecording,
});

describe("decideRecording", () => {
  it("lets a call be recorded when everyone in it allows it", () => {
    expect(decideRecording({ present: [person(ANN, true), person(BO, true)], recorderId: ANN, activeRecordingBy: null })).toEqual({ ok: true });
  });

  it("names everyone who has not allowed it, the recorder first as You", () => {
    const decision = decideRecording({ present: [person(BO, false), person(ANN, false), person(CY, true), person(DEE, false)], recorderId: ANN, activeRecordingBy: null });
    expect(decision).toEqual({ ok: false, reason: "not-allowed", who: ["You", "Bo", "Dee"] });
    if (decision.ok) throw new Error("refused above");
    expect(recordingRefusalText(decision)).toBe("Turn on call recording in Settings. Bo and Dee haven't allowed it either");
    const two = decideRecording({ present: [person(ANN, false), person(BO, false)], recorderId: ANN, activeRecordingBy: null });
    if (two.ok) throw new Error("refused");
    expect(recordingRefusalText(two)).toBe("Turn on call recording in Settings. Bo hasn't allowed it either");
  });

  it("tells a recorder who has it off to turn it on, and names one other person", () => {
    const own = decideRecording({ present: [person(ANN, false), person(BO, true)], recorderId: ANN, activeRecordingBy: null });
    const other = decideRecording({ present: [person(ANN, true), person(BO, false)], recorderId: ANN, activeRecordingBy: null });
    if (own.ok || other.ok) throw new Error("both are refused");
    expect(recordingRefusalText(own)).toBe("Turn on call recording in Settings to record");
    expect(recordingRefusalText(other)).toBe("Bo hasn't allowed recording");
  });

  it("refuses a second recording of the same call, whoever would make it", () => {
    const decision = decideRecording({ present: [person(ANN, true), person(BO, true)], recorderId: BO, activeRecordingBy: "Ann" });
    if (decision.ok) throw new Error("refused");
    expect(recordingRefusalText(decision)).toBe("Ann is already recording this call");
    expect(recordingRefusalText({ ok: false, reason: "already-recording", by: "You" })).toBe("You're already recording this call");
  });

  // every combination of up to four people's settings, each of them as the recorder, with and without a recording running
  it("allows exactly when nobody is recording and everyone present allows it (all combinations)", () => {
    const everyone = [ANN, BO, CY, DEE];
    let cases = 0;
    for (let size = 1; size <= everyone.length; size++) {
      for (let bits = 0; bits < 1 << size; bits++) {
        const present = everyone.slice(0, size).map((id, i) => person(id, (bits & (1 << i)) !== 0));
        for (const recorder of present) {
          for (const active of [null, "Cy"]) {
            cases += 1;
            const decision = decideRecording({ present, recorderId: recorder.userId, activeRecordingBy: active });
            const allowed = active === null && present.every((p) => p.allowRecording);
            expect(decision.ok).toBe(allowed);
            // a change that makes a running recording stop is exactly what makes a new one refused for consent
            expect(recordingMustStop(present)).toBe(present.some((p) => !p.allowRecording));
            if (decision.ok) continue;
            const text = recordingRefusalText(decision);
            if (active !== null) {
              expect(decision.reason).toBe("already-recording");
              continue;
            }
            if (decision.reason !== "not-allowed") throw new Error("refused for consent");
            // everyone refusing is named once, nobody else is, and the recorder is sent to Settings
            const refusing = present.filter((p) => !p.allowRecording);
            expect(decision.who).toHaveLength(refusing.length);
            for (const p of refusing) {
              const name = p.userId === recorder.userId ? "You" : p.displayName;
              expect(decision.who).toContain(name);
              if (name === "You") expect(text).toMatch(/^Turn on call recording in Settings/);
              else expect(text).toContain(name);
            }
            for (const p of present.filter((q) => q.allowRecording && q.userId !== recorder.userId)) expect(text).not.toContain(p.displayName);
          }
        }
      }
    }
    expect(cases).toBe(2 * (2 * 1 + 4 * 2 + 8 * 3 + 16 * 4));
  });
});

describe("recordingStoppedText", () => {
  it("has words for every reason, naming who caused it", () => {
    expect(recordingStoppedText("stopped", "Ann", null)).toBe("Ann stopped recording");
    expect(recordingStoppedText("joined-without-consent", "Ann", "Cy")).toBe("Recording stopped: Cy joined and hasn't allowed recording");
    expect(recordingStoppedText("consent-withdrawn", "Ann", "Bo")).toBe("Recording stopped: Bo no longer allows recording");
    expect(recordingStoppedText("recorder-left", "Ann", null)).toBe("Recording stopped: Ann left the call");
    expect(recordingStoppedText("call-ended", "Ann", null)).toBe("Recording stopped: the call ended");
    expect(recordingStoppedText("quota", "Ann", null)).toBe("Recording stopped: Ann's Library is full");
    for (const reason of recordingStopReasonSchema.options) {
      const text = recordingStoppedText(reason, "Ann", null);
      expect(text.length).toBeGreaterThan(10);
      expect(text).not.toMatch(/undefined|null/);
    }
  });
});

describe("a recording's chunks", () => {
  const start = new Date("2026-11-26T10:00:00Z");
  const at = (ms: number) => new Date(start.getTime() + ms);

  it("are taken while it records, and for the grace after a stop only", () => {
    expect(recordingTakesChunks({ status: "recording", stoppedAt: null }, at(3_600_000))).toBe(true);
    const stopped = { status: "processing" as const, stoppedAt: at(60_000) };
    expect(recordingTakesChunks(stopped, at(60_000))).toBe(true);
    expect(recordingTakesChunks(stopped, at(60_000 + LIBRARY_LIMITS.recordingStopGraceMs - 1))).toBe(true);
    expect(recordingTakesChunks(stopped, at(60_000 + LIBRARY_LIMITS.recordingStopGraceMs))).toBe(false);
    for (const status of ["ready", "failed", "capturing"] as const) expect(recordingTakesChunks({ status, stoppedAt: at(60_000) }, at(60_001))).toBe(false);
    // processing without a stop time is not one we stopped: nothing more is written into it
    expect(recordingTakesChunks({ status: "processing", stoppedAt: null }, at(1))).toBe(false);
  });

  it("going quiet for the idle limit means the recorder is gone", () => {
    const r = { status: "recording" as const, capturedAt: start, stoppedAt: null, lastActivityAt: at(10_000) };
    expect(recordingIsIdle(r, at(10_000 + LIBRARY_LIMITS.recordingIdleMs - 1))).toBe(false);
    expect(recordingIsIdle(r, at(10_000 + LIBRARY_LIMITS.recordingIdleMs))).toBe(true);
    // no chunk at all: counted from the start
    expect(recordingIsIdle({ ...r, lastActivityAt: null }, at(LIBRARY_LIMITS.recordingIdleMs))).toBe(true);
    expect(recordingIsIdle({ ...r, status: "processing" }, at(3_600_000))).toBe(false);
  });

  it("are cut at the stop", () => {
    expect(recordingCutMs({ capturedAt: start, stoppedAt: at(12_345) })).toBe(12_345);
    expect(recordingCutMs({ capturedAt: start, stoppedAt: null })).toBeNull();
    expect(recordingCutMs({ capturedAt: start, stoppedAt: at(-5) })).toBe(0);
  });

  it("keep only what arrived within a few seconds of the stop, well inside the grace", () => {
    const stoppedAt = at(60_000);
    expect(recordingArrivalCapDue({ stoppedAt: null }, at(3_600_000))).toBe(false);
    expect(recordingArrivalCapDue({ stoppedAt }, at(60_000 + LIBRARY_LIMITS.recordingStopArrivalMs - 1))).toBe(false);
    expect(recordingArrivalCapDue({ stoppedAt }, at(60_000 + LIBRARY_LIMITS.recordingStopArrivalMs))).toBe(true);
    // longer than the few chunks an honest browser still has to send, shorter than the grace
    expect(LIBRARY_LIMITS.recordingStopArrivalMs).toBeGreaterThanOrEqual(3 * LIBRARY_LIMITS.recordingChunkMs);
    expect(LIBRARY_LIMITS.recordingStopArrivalMs).toBeLessThan(LIBRARY_LIMITS.recordingStopGraceMs);
  });
});
