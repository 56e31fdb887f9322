"use client";

import type { CallSession } from "~/calls/call-session";
import type { CallView } from "~/calls/types";

// STUB (foundation): the Record / Stop recording control in the call toolbar
export function RecordButton(_props: { call: CallView; myId: string; session: CallSession }) {
  return null;
}
