"use client";

import { RoomContext } from "@livekit/components-react";
import type { ComponentProps } from "react";
import { CallStage } from "./call-stage";

/**
 * The live call: LiveKit's RoomContext around the stage. Its own chunk with livekit-client and the
 * capture tools (call-screen.tsx loads it lazily, showing CallShell meanwhile).
 */
export function LiveCall(props: ComponentProps<typeof CallStage>) {
  return (
    <RoomContext.Provider value={props.session.room}>
      <CallStage {...props} />
    </RoomContext.Provider>
  );
}
