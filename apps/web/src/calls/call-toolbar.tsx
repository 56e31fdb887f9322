"use client";

import { useMediaDevices } from "@livekit/components-react";
import { Mic, MicOff, MonitorUp, PhoneOff, Settings2, SwitchCamera, Video, VideoOff } from "lucide-react";
import { useEffect, useId, useState, type ReactNode } from "react";
import { CallControls, ControlButton } from "@ringback/ui/call-controls";
import type { CallSession, SessionSnapshot } from "./call-session";
import { DevicePanel } from "./device-panel";

export function CallToolbar({
  session,
  snapshot,
  endLabel,
  onEnd,
  ending,
  captureControls,
}: {
  session: CallSession;
  snapshot: SessionSnapshot;
  endLabel: string;
  onEnd: () => void;
  ending: boolean;
  /** the Live Photo shutter and the record button, when the call has someone to capture */
  captureControls?: ReactNode;
}) {
  const [devicesOpen, setDevicesOpen] = useState(false);
  // Until media is published the toggles would read as "muted"/"camera off"; they wait instead.
  const ready = snapshot.phase === "connected" || snapshot.phase === "reconnecting";
  const panelId = useId();
  const cameras = useMediaDevices({ kind: "videoinput" });
  const [canShare, setCanShare] = useState(false);
  // Known only in the browser; phones have no getDisplayMedia.
  useEffect(() => setCanShare(typeof navigator !== "undefined" && Boolean(navigator.mediaDevices?.getDisplayMedia)), []);

  return (
    <div className="flex w-full flex-col items-center gap-3">
      {devicesOpen ? <DevicePanel room={session.room} id={panelId} /> : null}
      <CallControls>
        <ControlButton
          label="Mute"
          icon={!ready || snapshot.micEnabled ? Mic : MicOff}
          pressed={ready && !snapshot.micEnabled}
          disabled={!ready}
          onClick={() => void session.setMicrophone(!snapshot.micEnabled)}
        />
        <ControlButton
          label="Camera off"
          caption="Camera"
          icon={!ready || snapshot.cameraEnabled ? Video : VideoOff}
          pressed={ready && !snapshot.cameraEnabled}
          disabled={!ready}
          onClick={() => void session.setCamera(!snapshot.cameraEnabled)}
        />
        {snapshot.cameraEnabled && cameras.length > 1 ? (
          <ControlButton label="Switch camera" caption="Flip" icon={SwitchCamera} onClick={() => void session.switchCamera()} />
        ) : null}
        {canShare ? (
          <ControlButton
            label="Share screen"
            caption="Share"
            icon={MonitorUp}
            pressed={snapshot.screenSharing}
            containerClassName="max-sm:hidden"
            onClick={() => void session.setScreenShare(!snapshot.screenSharing)}
          />
        ) : null}
        {captureControls}
        <ControlButton
          label="Devices"
          icon={Settings2}
          aria-expanded={devicesOpen}
          aria-controls={devicesOpen ? panelId : undefined}
          onClick={() => setDevicesOpen((open) => !open)}
        />
        <ControlButton label={endLabel} caption="End" icon={PhoneOff} tone="danger" disabled={ending} onClick={onEnd} />
      </CallControls>
    </div>
  );
}
