"use client";

import type { CallSession } from "~/calls/call-session";
import type { CallView } from "~/calls/types";

// STUB (foundation): the REC indicator and the recording notices every participant sees
export function RecordingIndicator(_props: { call: CallView; myId: string; session: CallSession }) {
  return null;
}
