"""Test and benchmark helper: joins a LiveKit room and speaks a WAV into it like a caller's microphone.

    python tools/publish_wav.py --url ws://127.0.0.1:7880 --token <jwt> file.wav [file2.wav ...]
        [--gap 1.5] [--tail 1.5] [--lead 0.5]

Audio is sent in 10 ms frames paced by the wall clock. Prints one JSON line per event on stdout:
{"event":"connected"}, {"event":"file","index":0,"t0":<epoch ms when its first frame went out>,
"durationMs":...}, {"event":"done"}; then leaves the room (which is what ends the transcript).
Between and after files it sends silence, as a real open microphone would.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
import wave

import numpy as np
from livekit import rtc

RATE = 16000
FRAME = RATE // 100


def emit(event: str, **fields: object) -> None:
    print(json.dumps({"event": event, **fields}), flush=True)


def read_wav(path: str) -> np.ndarray:
    with wave.open(path, "rb") as w:
        if w.getframerate() != RATE or w.getnchannels() != 1 or w.getsampwidth() != 2:
            raise SystemExit(f"{path}: need 16 kHz mono 16-bit PCM")
        return np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)


async def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    p.add_argument("--token", required=True)
    p.add_argument("--lead", type=float, default=0.5, help="seconds of silence before the first file")
    p.add_argument("--gap", type=float, default=1.5, help="seconds of silence between files")
    p.add_argument("--tail", type=float, default=1.5, help="seconds of silence before leaving")
    p.add_argument("wavs", nargs="+")
    args = p.parse_args()
    clips = [read_wav(path) for path in args.wavs]

    room = rtc.Room()
    await room.connect(args.url, args.token)
    source = rtc.AudioSource(RATE, 1, queue_size_ms=100)
    track = rtc.LocalAudioTrack.create_audio_track("microphone", source)
    options = rtc.TrackPublishOptions(source=rtc.TrackSource.SOURCE_MICROPHONE)
    await room.local_participant.publish_track(track, options)
    emit("connected")

    start = time.monotonic()
    sent = 0  # frames

    async def send(samples: np.ndarray) -> float:
        """Sends samples paced in real time; returns the epoch ms at which the first frame went out."""
        nonlocal sent
        first_at = 0.0
        for i in range(0, len(samples), FRAME):
            chunk = samples[i : i + FRAME]
            if len(chunk) < FRAME:
                chunk = np.pad(chunk, (0, FRAME - len(chunk)))
            due = start + sent * 0.01
            delay = due - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            if i == 0:
                first_at = time.time() * 1000
            frame = rtc.AudioFrame(chunk.tobytes(), RATE, 1, FRAME)
            await source.capture_frame(frame)
            sent += 1
        return first_at

    def silence(seconds: float) -> np.ndarray:
        return np.zeros(int(seconds * RATE), dtype=np.int16)

    await send(silence(args.lead))
    for index, clip in enumerate(clips):
        t0 = await send(clip)
        emit("file", index=index, t0=round(t0, 1), durationMs=round(len(clip) * 1000 / RATE))
        await send(silence(args.gap if index < len(clips) - 1 else args.tail))
    emit("done")
    await room.disconnect()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(130)
