"use client";

import { useMediaDeviceSelect } from "@livekit/components-react";
import type { Room } from "livekit-client";
import { useId } from "react";

const KIND_LABEL: Record<"audioinput" | "videoinput" | "audiooutput", string> = {
  audioinput: "Microphone",
  videoinput: "Camera",
  audiooutput: "Speaker",
};

/** Device pickers; the speaker one only where the browser can route audio (setSinkId). */
export function DevicePanel({ room, id }: { room: Room; id: string }) {
  const canPickSpeaker = typeof HTMLMediaElement !== "undefined" && "setSinkId" in HTMLMediaElement.prototype;
  return (
    <div
      id={id}
      role="group"
      aria-label="Devices"
      className="w-[min(22rem,calc(100vw-2rem))] rounded-3xl bg-neutral-900/90 p-4 text-white shadow-2xl ring-1 ring-white/10 backdrop-blur-xl"
    >
      <div className="flex flex-col gap-3">
        <DeviceSelect room={room} kind="audioinput" />
        <DeviceSelect room={room} kind="videoinput" />
        {canPickSpeaker ? <DeviceSelect room={room} kind="audiooutput" /> : null}
      </div>
    </div>
  );
}

function DeviceSelect({ room, kind }: { room: Room; kind: keyof typeof KIND_LABEL }) {
  const selectId = useId();
  const { devices, activeDeviceId, setActiveMediaDevice } = useMediaDeviceSelect({ kind, room });
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={selectId} className="text-xs font-medium text-white/70">
        {KIND_LABEL[kind]}
      </label>
      <select
        id={selectId}
        value={activeDeviceId}
        disabled={devices.length === 0}
        onChange={(event) => void setActiveMediaDevice(event.target.value)}
        className="h-10 w-full rounded-xl bg-white/10 px-3 text-sm text-white outline-none focus-visible:ring-[3px] focus-visible:ring-white/50 [&>option]:text-black"
      >
        {devices.length === 0 ? <option value="">None found</option> : null}
        {devices.map((device, index) => (
          <option key={device.deviceId || index} value={device.deviceId}>
            {device.label || `${KIND_LABEL[kind]} ${index + 1}`}
          </option>
        ))}
      </select>
    </div>
  );
}
