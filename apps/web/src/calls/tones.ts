/*
 * Ringtone and ringback generated with WebAudio, so there are no audio assets to ship or license.
 * One shared AudioContext per tab: browsers cap how many a page may create.
 */

type Pattern = "ringtone" | "ringback";

let context: AudioContext | null = null;

function audioContext(): AudioContext | null {
  if (typeof window === "undefined" || typeof window.AudioContext === "undefined") return null;
  if (!context) {
    context = new AudioContext();
    // A ring can arrive before the person touched the page; the first gesture unlocks audio.
    const unlock = () => void context?.resume().catch(() => {});
    window.addEventListener("pointerdown", unlock, { once: true, capture: true });
    window.addEventListener("keydown", unlock, { once: true, capture: true });
  }
  return context;
}

function note(ctx: AudioContext, out: AudioNode, freq: number, start: number, length: number, peak: number, type: OscillatorType = "sine") {
  const osc = ctx.createOscillator();
  const gain = ctx.createGain();
  osc.type = type;
  osc.frequency.value = freq;
  gain.gain.setValueAtTime(0, start);
  gain.gain.linearRampToValueAtTime(peak, start + 0.015);
  gain.gain.exponentialRampToValueAtTime(0.0001, start + length);
  osc.connect(gain).connect(out);
  osc.start(start);
  osc.stop(start + length + 0.05);
}

/** Schedules one cycle of the pattern at `t`; returns the cycle length in seconds. */
function scheduleCycle(ctx: AudioContext, out: AudioNode, pattern: Pattern, t: number): number {
  if (pattern === "ringback") {
    // The familiar two-frequency ringback: 2 s on, 4 s off.
    for (const freq of [440, 480]) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0, t);
      gain.gain.linearRampToValueAtTime(0.06, t + 0.03);
      gain.gain.setValueAtTime(0.06, t + 1.95);
      gain.gain.linearRampToValueAtTime(0, t + 2);
      osc.connect(gain).connect(out);
      osc.start(t);
      osc.stop(t + 2.05);
    }
    return 6;
  }
  // A soft marimba-like arpeggio, twice, then a pause.
  const notes = [659.25, 783.99, 987.77, 1318.5];
  for (let round = 0; round < 2; round++) {
    notes.forEach((freq, i) => note(ctx, out, freq, t + round * 0.8 + i * 0.13, 0.55, 0.18, "triangle"));
  }
  return 3;
}

export type TonePlayer = { stop: () => void };

/** Starts a looping tone; call stop() to end it. Silent (never throws) when audio is unavailable. */
export function playTone(pattern: Pattern): TonePlayer {
  const ctx = audioContext();
  if (!ctx) return { stop: () => {} };
  void ctx.resume().catch(() => {});
  const out = ctx.createGain();
  out.gain.value = 1;
  out.connect(ctx.destination);
  let next = ctx.currentTime + 0.05;
  let stopped = false;
  // Schedule ahead in small steps so stop() silences the tone within a cycle.
  const tick = () => {
    if (stopped) return;
    while (next < ctx.currentTime + 1) next += scheduleCycle(ctx, out, pattern, next);
  };
  tick();
  const timer = window.setInterval(tick, 250);
  return {
    stop: () => {
      if (stopped) return;
      stopped = true;
      window.clearInterval(timer);
      out.gain.setTargetAtTime(0, ctx.currentTime, 0.02);
      window.setTimeout(() => out.disconnect(), 200);
    },
  };
}
