"use client";

import type { TrackReferenceOrPlaceholder } from "@livekit/components-react";
import type { CallView } from "~/calls/types";

// STUB (foundation): the Live Photo shutter. `subject` is the remote camera it would capture (the
// only other person in a one-to-one call, the focused tile in a group call), or null.
export function LivePhotoShutter(_props: { call: CallView; myId: string; subject: TrackReferenceOrPlaceholder | null }) {
  return null;
}
