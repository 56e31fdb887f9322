/*
 * Where each camera goes in a call recording's frame, the way the call screen lays it out: with one
 * other person, they fill the frame and your own camera is a small inset in the corner; with more,
 * the others share a grid and your camera is the inset. Pure, so it is tested without a browser.
 */

export type Rect = { x: number; y: number; width: number; height: number };

export type RecordingLayout = {
  /** one rect per remote person, in the order given */
  remote: Rect[];
  /** your own camera's inset, or null when there is nobody else yet (then you fill the frame) */
  local: Rect | null;
  /** when nobody else is there: you, full frame */
  localFull: Rect | null;
};

const GAP = 8;

/** The frame's layout for `remoteCount` other people in a `width`×`height` frame. */
export function recordingLayout(remoteCount: number, width: number, height: number): RecordingLayout {
  if (remoteCount <= 0) return { remote: [], local: null, localFull: { x: 0, y: 0, width, height } };
  const insetWidth = Math.round(width * 0.22);
  const insetHeight = Math.round((insetWidth * 9) / 16);
  const margin = Math.round(width * 0.02);
  const local: Rect = { x: width - insetWidth - margin, y: margin, width: insetWidth, height: insetHeight };
  if (remoteCount === 1) return { remote: [{ x: 0, y: 0, width, height }], local, localFull: null };

  const columns = remoteCount <= 2 ? 2 : remoteCount <= 4 ? 2 : 3;
  const rows = Math.ceil(remoteCount / columns);
  const cellWidth = (width - GAP * (columns + 1)) / columns;
  const cellHeight = (height - GAP * (rows + 1)) / rows;
  const remote: Rect[] = [];
  for (let i = 0; i < remoteCount; i++) {
    const row = Math.floor(i / columns);
    // a last row that is not full is centred, as the eye expects
    const inRow = row === rows - 1 ? remoteCount - row * columns : columns;
    const column = i % columns;
    const offset = ((columns - inRow) * (cellWidth + GAP)) / 2;
    remote.push({
      x: Math.round(GAP + offset + column * (cellWidth + GAP)),
      y: Math.round(GAP + row * (cellHeight + GAP)),
      width: Math.round(cellWidth),
      height: Math.round(cellHeight),
    });
  }
  // in a grid the inset sits bottom-right, over the gap rather than a face where it can
  return { remote, local: { ...local, y: height - insetHeight - margin }, localFull: null };
}

/** Source and destination rects that fill `target` with a `sourceWidth`×`sourceHeight` picture, cropping the overflow (object-fit: cover). */
export function coverRect(sourceWidth: number, sourceHeight: number, target: Rect): { sx: number; sy: number; sw: number; sh: number } {
  if (sourceWidth <= 0 || sourceHeight <= 0) return { sx: 0, sy: 0, sw: 0, sh: 0 };
  const targetRatio = target.width / target.height;
  const sourceRatio = sourceWidth / sourceHeight;
  if (sourceRatio > targetRatio) {
    const sw = sourceHeight * targetRatio;
    return { sx: (sourceWidth - sw) / 2, sy: 0, sw, sh: sourceHeight };
  }
  const sh = sourceWidth / targetRatio;
  return { sx: 0, sy: (sourceHeight - sh) / 2, sw: sourceWidth, sh };
}

/** "0:07", "12:30", "1:02:03": how long the recording has run. */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}` : `${m}:${String(s).padStart(2, "0")}`;
}
