"""Cuts a live 16 kHz stream into utterances with Silero VAD, so Whisper only hears speech.

Whisper invents words over silence ("Thank you."), so nothing reaches it until the VAD has heard
speech, and an utterance closes at a pause (0.5 s by default): that is when its final text is made.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

SAMPLE_RATE = 16000
WINDOW = 512  # Silero's window at 16 kHz (32 ms)
CONTEXT = 64  # samples of the previous window the model sees with each window


class StreamingVad:
    """Silero VAD (the ONNX model faster-whisper ships) fed a window at a time, state carried over."""

    def __init__(self) -> None:
        from faster_whisper.vad import get_vad_model

        # one onnxruntime session for the process; its run() is thread-safe and our state is separate
        self._session = get_vad_model().session
        self._h = np.zeros((1, 1, 128), dtype=np.float32)
        self._c = np.zeros((1, 1, 128), dtype=np.float32)
        self._context = np.zeros(CONTEXT, dtype=np.float32)

    def probabilities(self, windows: np.ndarray) -> np.ndarray:
        """Speech probability of each 512-sample window in `windows` (shape: n × 512), in order."""
        if len(windows) == 0:
            return np.zeros(0, dtype=np.float32)
        # The exported model treats the batch axis as time (the LSTM state runs through it), so
        # several windows go in one call; each carries the last 64 samples of the one before.
        contexts = np.concatenate([self._context[None, :], windows[:-1, -CONTEXT:]], axis=0)
        batch = np.concatenate([contexts, windows], axis=1).astype(np.float32, copy=False)
        out, self._h, self._c = self._session.run(None, {"input": batch, "h": self._h, "c": self._c})
        self._context = windows[-1, -CONTEXT:].copy()
        return np.asarray(out, dtype=np.float32).reshape(-1)


@dataclass
class Utterance:
    id: int
    start: int  # sample offset from the start of the caller's audio
    chunks: list[np.ndarray] = field(default_factory=list)
    length: int = 0
    speech_windows: int = 0
    closed: bool = False
    # closed with too little speech to be worth decoding (a cough, a click)
    dropped: bool = False

    @property
    def end(self) -> int:
        return self.start + self.length

    def audio(self) -> np.ndarray:
        if len(self.chunks) > 1:
            self.chunks = [np.concatenate(self.chunks)]
        return self.chunks[0] if self.chunks else np.zeros(0, dtype=np.float32)

    def append(self, samples: np.ndarray) -> None:
        self.chunks.append(samples)
        self.length += len(samples)


@dataclass
class SegmenterOptions:
    threshold: float = 0.5
    neg_threshold: float = 0.35
    min_silence_ms: int = 500
    # a long utterance closes at a shorter pause, and at max_utterance_s whatever happens
    long_utterance_s: float = 10.0
    long_silence_ms: int = 200
    max_utterance_s: float = 20.0
    pre_roll_ms: int = 300
    # fewer speech windows than this (a cough, a click) and the utterance is dropped
    min_speech_ms: int = 200


class Segmenter:
    """Feeds audio in, hands out utterances: the open one grows, closed ones are final."""

    def __init__(self, options: SegmenterOptions | None = None) -> None:
        self.options = options or SegmenterOptions()
        self._vad = StreamingVad()
        self._pending = np.zeros(0, dtype=np.float32)
        self._position = 0  # samples consumed by the VAD so far
        self._pre_roll: list[np.ndarray] = []
        self._pre_roll_len = 0
        self._silence = 0  # samples of silence at the end of the open utterance
        self._next_id = 0
        self.open: Utterance | None = None

    @property
    def position(self) -> int:
        return self._position

    def push(self, samples: np.ndarray) -> list[Utterance]:
        """Adds float32 samples; returns the utterances this closed (see `Utterance.dropped`)."""
        data = np.concatenate([self._pending, samples]) if len(self._pending) else samples
        n = len(data) // WINDOW
        self._pending = data[n * WINDOW :].copy()
        if n == 0:
            return []
        windows = data[: n * WINDOW].reshape(n, WINDOW)
        probs = self._vad.probabilities(windows)
        closed: list[Utterance] = []
        for window, prob in zip(windows, probs):
            done = self._step(window, float(prob))
            if done is not None:
                closed.append(done)
        return closed

    def flush(self) -> Utterance | None:
        """Closes the open utterance (the caller left); None when none was open."""
        utterance, self.open = self.open, None
        if utterance is not None:
            utterance.closed = True
            utterance.dropped = not self._keep(utterance)
        return utterance

    def _keep(self, utterance: Utterance) -> bool:
        return utterance.speech_windows * WINDOW >= self.options.min_speech_ms * SAMPLE_RATE // 1000

    def _step(self, window: np.ndarray, prob: float) -> Utterance | None:
        o = self.options
        start = self._position
        self._position += WINDOW
        u = self.open
        if u is None:
            if prob >= o.threshold:
                pre = np.concatenate(self._pre_roll) if self._pre_roll else np.zeros(0, dtype=np.float32)
                u = Utterance(id=self._next_id, start=start - len(pre))
                self._next_id += 1
                u.append(pre)
                u.append(window)
                u.speech_windows = 1
                self.open = u
                self._silence = 0
                self._pre_roll, self._pre_roll_len = [], 0
            else:
                self._pre_roll.append(window)
                self._pre_roll_len += WINDOW
                while self._pre_roll_len - WINDOW >= o.pre_roll_ms * SAMPLE_RATE // 1000:
                    self._pre_roll_len -= len(self._pre_roll.pop(0))
            return None

        u.append(window)
        if prob >= o.threshold:
            u.speech_windows += 1
            self._silence = 0
        elif prob < o.neg_threshold or self._silence > 0:
            self._silence += WINDOW
        seconds = u.length / SAMPLE_RATE
        needed = (o.long_silence_ms if seconds >= o.long_utterance_s else o.min_silence_ms) * SAMPLE_RATE // 1000
        if self._silence >= needed or seconds >= o.max_utterance_s:
            # keep ~0.2 s of the pause: Whisper likes a little room after the last word
            trim = max(0, self._silence - SAMPLE_RATE // 5)
            if trim:
                audio = u.audio()[: u.length - trim]
                u.chunks, u.length = [audio], len(audio)
            self.open = None
            u.closed = True
            self._silence = 0
            u.dropped = not self._keep(u)
            return u
        return None
