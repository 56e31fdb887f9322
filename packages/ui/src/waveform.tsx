import { cn } from "./cn";

/**
 * Resamples a recording's peaks (0..1, any count) to `bars` values by taking the loudest peak of each
 * slice, so a short click is not averaged away. An empty or missing waveform gives a flat, quiet line.
 */
export function resamplePeaks(peaks: ReadonlyArray<number> | null | undefined, bars: number): number[] {
  const count = Math.max(1, Math.floor(bars));
  if (!peaks || peaks.length === 0) return Array.from({ length: count }, () => 0);
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const from = Math.floor((i * peaks.length) / count);
    const to = Math.max(from + 1, Math.floor(((i + 1) * peaks.length) / count));
    let max = 0;
    for (let j = from; j < to && j < peaks.length; j++) {
      const v = peaks[j] ?? 0;
      if (Number.isFinite(v) && v > max) max = v;
    }
    out.push(Math.min(1, max));
  }
  return out;
}

export type WaveformProps = {
  peaks: ReadonlyArray<number> | null | undefined;
  /** how many bars to draw */
  bars?: number;
  /** 0..1: bars before this point are drawn in the played colour */
  progress?: number;
  className?: string;
  /** classes for played / not yet played bars (fill colours) */
  playedClassName?: string;
  restClassName?: string;
};

/**
 * A voicemail's loudness as rounded bars. Decorative (aria-hidden): the player or link next to it
 * carries the name and the length.
 */
export function Waveform({
  peaks,
  bars = 32,
  progress,
  className,
  playedClassName = "fill-primary",
  restClassName = "fill-current opacity-40",
}: WaveformProps) {
  const values = resamplePeaks(peaks, bars);
  const width = values.length * 3;
  const played = progress === undefined ? -1 : Math.round(Math.min(1, Math.max(0, progress)) * values.length);
  return (
    <svg
      aria-hidden="true"
      focusable="false"
      viewBox={`0 0 ${width} 24`}
      preserveAspectRatio="none"
      className={cn("h-6 w-full", className)}
    >
      {values.map((v, i) => {
        // never thinner than a dot, so silence still reads as a recording
        const h = Math.max(2, v * 24);
        return (
          <rect
            key={i}
            x={i * 3 + 0.5}
            y={(24 - h) / 2}
            width={2}
            height={h}
            rx={1}
            className={progress !== undefined && i < played ? playedClassName : restClassName}
          />
        );
      })}
    </svg>
  );
}
