"""One live voicemail: join the LiveKit room, transcribe the caller, post segments to the API."""

from __future__ import annotations

import asyncio
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
from livekit import rtc

from .models import Engine
from .segmenter import SAMPLE_RATE, Segmenter, Utterance

Log = Callable[..., None]

# A sender with DTX may send no audio while quiet; an open utterance then closes after this long.
# Well above the bursts a busy machine delays frames by (up to ~0.8 s seen), which must not cut one.
NO_AUDIO_CLOSE_S = 1.5


@dataclass
class LiveRequest:
    message_id: str
    livekit_url: str
    token: str
    callback_url: str
    callback_token: str


@dataclass
class LiveOptions:
    # how often the open utterance is decoded again for fresh partial words
    partial_interval_s: float = 0.8
    # a partial is only worth making once this much new audio has come in
    partial_min_new_s: float = 0.3
    # the model for an utterance's final text: base (greedy) is right far more often than tiny.en and,
    # decoded beside the next utterance's partials, costs about the same wall time (measured)
    final_model: str = "base"
    # no caller audio after joining for this long: give up
    join_timeout_s: float = 30.0
    # a voicemail is at most 3 minutes; stop listening a little after that whatever happens
    max_session_s: float = 200.0


class LiveSession:
    def __init__(self, request: LiveRequest, engine: Engine, options: LiveOptions, log: Log) -> None:
        self.request = request
        self.engine = engine
        self.options = options
        self.log = log
        self.stopping = asyncio.Event()
        self._wake = asyncio.Event()
        # closed utterances wait here for their final text (decoded beside the next one's partials)
        self._closed: asyncio.Queue[Utterance | None] = asyncio.Queue()
        self._segmenter: Segmenter | None = None
        self._audio_done = False
        self._posts: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()
        self._posted_text: dict[int, str] = {}
        self._previous_text = ""
        self._first_frame_at = 0.0
        self._last_frame_at = 0.0

    def stop(self, reason: str) -> None:
        if not self.stopping.is_set():
            self.log("live.stop", messageId=self.request.message_id, reason=reason)
            self.stopping.set()

    async def run(self) -> None:
        mid = self.request.message_id
        poster = asyncio.create_task(self._poster())
        room = rtc.Room()
        caller: dict[str, str] = {}
        track_ready: asyncio.Future[rtc.Track] = asyncio.get_running_loop().create_future()

        @room.on("track_subscribed")
        def _on_track(track: rtc.Track, _pub: rtc.RemoteTrackPublication, participant: rtc.RemoteParticipant) -> None:
            if track.kind == rtc.TrackKind.KIND_AUDIO and not track_ready.done():
                caller["identity"] = participant.identity
                track_ready.set_result(track)

        @room.on("participant_disconnected")
        def _on_left(participant: rtc.RemoteParticipant) -> None:
            if participant.identity == caller.get("identity"):
                self.stop("caller left")

        @room.on("disconnected")
        def _on_disconnected(reason: Any) -> None:
            self.stop(f"room closed ({reason})")

        try:
            await asyncio.wait_for(room.connect(self.request.livekit_url, self.request.token), timeout=15)
            self.log("live.joined", messageId=mid, room=room.name)
            stop_wait = asyncio.create_task(self.stopping.wait())
            done, _ = await asyncio.wait(
                {track_ready, stop_wait}, timeout=self.options.join_timeout_s, return_when=asyncio.FIRST_COMPLETED
            )
            stop_wait.cancel()
            if track_ready.done():
                track = track_ready.result()
                self.log("live.track", messageId=mid, caller=caller.get("identity", ""))
                await self._transcribe(track)
            elif not self.stopping.is_set():
                self.log("live.no_audio", messageId=mid, waitedS=self.options.join_timeout_s)
        except Exception as error:  # a bad token, an unreachable server: end the transcript, keep serving
            self.log("live.error", messageId=mid, error=repr(error))
        finally:
            try:
                await asyncio.wait_for(room.disconnect(), timeout=5)
            except Exception as error:
                self.log("live.disconnect_error", messageId=mid, error=repr(error))
            await self._posts.put({"messageId": mid, "segments": [], "ended": True})
            await self._posts.put(None)
            await poster
            self.log("live.ended", messageId=mid)

    async def _transcribe(self, track: rtc.Track) -> None:
        self._segmenter = Segmenter()
        # 32 ms frames are exactly one VAD window, and a third of the per-frame work of 10 ms ones
        stream = rtc.AudioStream(track, sample_rate=SAMPLE_RATE, num_channels=1, frame_size_ms=32)
        decoder = asyncio.create_task(self._decoder())
        finalizer = asyncio.create_task(self._finalizer())
        reader = asyncio.create_task(self._read(stream))
        stop_wait = asyncio.create_task(self.stopping.wait())
        await asyncio.wait({reader, stop_wait}, timeout=self.options.max_session_s, return_when=asyncio.FIRST_COMPLETED)
        stop_wait.cancel()
        if not reader.done():
            reader.cancel()
        await stream.aclose()
        self._audio_done = True
        self._wake.set()
        await decoder
        last = self._segmenter.flush()
        if last is not None:
            self._closed.put_nowait(last)
        self._closed.put_nowait(None)
        await finalizer

    async def _read(self, stream: rtc.AudioStream) -> None:
        assert self._segmenter is not None
        self._first_frame_at = 0.0
        async for event in stream:
            now = time.monotonic()
            if not self._first_frame_at:
                self._first_frame_at = now
            frame = event.frame
            samples = np.frombuffer(frame.data, dtype=np.int16).astype(np.float32) / 32768.0
            # Frames come late in bursts when the machine is busy; a gap is only logged (filling it
            # with silence would cut sentences in two). Times are those of the audio received.
            gap = now - self._last_frame_at if self._last_frame_at else 0.0
            if gap > 0.5:
                self.log("live.gap", messageId=self.request.message_id, ms=round(gap * 1000))
            self._last_frame_at = now
            for u in self._segmenter.push(samples):
                self._closed.put_nowait(u)
            self._wake.set()

    async def _finalizer(self) -> None:
        while (u := await self._closed.get()) is not None:
            await self._final(u)

    async def _decoder(self) -> None:
        """Decodes the open utterance again every ~0.8 s for partial words."""
        seg = self._segmenter
        assert seg is not None
        loop = asyncio.get_running_loop()
        last_partial_at = 0.0
        decoded_len: dict[int, int] = {}
        while True:
            if self._audio_done:
                return
            u = seg.open
            now = time.monotonic()
            if u is not None and self._last_frame_at and now - self._last_frame_at >= NO_AUDIO_CLOSE_S:
                # no audio at all for this long: the sender went quiet (or stalled): close it now
                closed = seg.flush()
                if closed is not None:
                    self._closed.put_nowait(closed)
                continue
            if (
                u is not None
                and u.speech_windows * 512 >= SAMPLE_RATE // 4
                and u.length - decoded_len.get(u.id, 0) >= self.options.partial_min_new_s * SAMPLE_RATE
                and now - last_partial_at >= self.options.partial_interval_s
            ):
                last_partial_at = now
                audio = u.audio().copy()
                decoded_len[u.id] = len(audio)
                started = time.monotonic()
                text = await loop.run_in_executor(None, self.engine.transcribe_live, audio, "tiny.en", None)
                if not u.closed and text and text != self._posted_text.get(u.id):
                    self._post_segment(u.id, text, False, u.start, u.start + len(audio))
                    self.log(
                        "live.partial", messageId=self.request.message_id, id=u.id,
                        audioS=round(len(audio) / SAMPLE_RATE, 2), decodeMs=round((time.monotonic() - started) * 1000),
                        behindMs=self._behind_ms(),
                    )
                continue
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=0.1)
            except asyncio.TimeoutError:
                pass

    async def _final(self, u: Utterance) -> None:
        had_partial = u.id in self._posted_text
        if u.dropped:
            if had_partial:  # take back the words shown for it
                self._post_segment(u.id, "", True, u.start, u.end)
            return
        started = time.monotonic()
        model = self.options.final_model
        slot = model != "tiny.en" and self.engine.live_base_slot.acquire(blocking=False)
        if model != "tiny.en" and not slot:
            model = "tiny.en"
        try:
            text = await asyncio.get_running_loop().run_in_executor(None, self.engine.transcribe_live, u.audio(), model, None)
        finally:
            if slot:
                self.engine.live_base_slot.release()
        if text or had_partial:
            self._post_segment(u.id, text, True, u.start, u.end)
        if text:
            self._previous_text = f"{self._previous_text} {text}".strip()
        self.log(
            "live.final", messageId=self.request.message_id, id=u.id, model=model, audioS=round(u.length / SAMPLE_RATE, 2),
            decodeMs=round((time.monotonic() - started) * 1000), words=len(text.split()), behindMs=self._behind_ms(),
        )

    def _behind_ms(self) -> int:
        """How far the audio we have read trails the wall clock (a starved event loop shows here)."""
        if self._segmenter is None or not self._first_frame_at:
            return 0
        elapsed = time.monotonic() - self._first_frame_at
        return round(elapsed * 1000 - self._segmenter.position * 1000 / SAMPLE_RATE)

    def _post_segment(self, sid: int, text: str, final: bool, start: int, end: int) -> None:
        self._posted_text[sid] = text
        segment = {
            "id": sid, "text": text[:2000], "final": final,
            "startMs": round(max(0, start) * 1000 / SAMPLE_RATE), "endMs": round(end * 1000 / SAMPLE_RATE),
        }
        self._posts.put_nowait({"messageId": self.request.message_id, "segments": [segment]})

    async def _poster(self) -> None:
        """Posts in order, one at a time, so a final never overtakes its own partial."""
        loop = asyncio.get_running_loop()
        while True:
            body = await self._posts.get()
            if body is None:
                return
            # a backlog of partials of the same segment: only the newest is worth sending
            while not self._posts.empty():
                nxt = self._posts._queue[0]  # type: ignore[attr-defined]
                if nxt is None or nxt.get("ended") or not _same_partial(body, nxt):
                    break
                body = self._posts.get_nowait()
            attempts = 3 if (body.get("ended") or any(s["final"] for s in body["segments"])) else 1
            for attempt in range(attempts):
                status = await loop.run_in_executor(None, self._send, body)
                if status in (401, 404):
                    # the message is gone (cancelled, retaken) or not ours to post to: stop listening
                    self.stop(f"callback answered {status}")
                if status is not None and status < 500:
                    break
                await asyncio.sleep(0.5 * (attempt + 1))

    def _send(self, body: dict[str, Any]) -> int | None:
        data = json.dumps(body).encode()
        req = urllib.request.Request(
            self.request.callback_url, data=data, method="POST",
            headers={"content-type": "application/json", "authorization": f"Bearer {self.request.callback_token}"},
        )
        try:
            with urllib.request.urlopen(req, timeout=5) as res:
                return res.status
        except urllib.error.HTTPError as error:
            self.log("live.callback_refused", messageId=self.request.message_id, status=error.code)
            return error.code
        except Exception as error:
            self.log("live.callback_failed", messageId=self.request.message_id, error=repr(error))
            return None


def _same_partial(a: dict[str, Any], b: dict[str, Any]) -> bool:
    sa, sb = a.get("segments") or [], b.get("segments") or []
    return len(sa) == 1 and len(sb) == 1 and not sa[0]["final"] and sa[0]["id"] == sb[0]["id"]
