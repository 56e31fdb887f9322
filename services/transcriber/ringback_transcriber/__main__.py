"""`python -m ringback_transcriber`: the HTTP worker (see services/transcriber/README.md)."""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import re
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

MAX_UPLOAD_BYTES = 300 * 1024 * 1024
MAX_LIVE_SESSIONS = 8


def log(event: str, **fields: Any) -> None:
    """One line per event: time, event, key=value pairs."""
    parts = [time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + f".{int(time.time() * 1000) % 1000:03d}Z", event]
    for key, value in fields.items():
        text = str(value)
        parts.append(f"{key}={json.dumps(text) if (' ' in text or not text) else text}")
    print(" ".join(parts), flush=True)


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="ringback_transcriber")
    p.add_argument("--host", default=os.environ.get("TRANSCRIBER_HOST", "127.0.0.1"))
    p.add_argument("--port", type=int, default=int(os.environ.get("TRANSCRIBER_PORT", "3002")))
    p.add_argument("--models-dir", default=os.environ.get("TRANSCRIBER_MODELS_DIR"))
    p.add_argument("--file-threads", type=int, default=int(os.environ.get("TRANSCRIBER_FILE_THREADS", "2")))
    p.add_argument("--live-threads", type=int, default=int(os.environ.get("TRANSCRIBER_LIVE_THREADS", "1")))
    p.add_argument("--live-workers", type=int, default=int(os.environ.get("TRANSCRIBER_LIVE_WORKERS", "2")))
    p.add_argument("--live-final-model", default=os.environ.get("TRANSCRIBER_LIVE_FINAL_MODEL", "base"))
    p.add_argument("--partial-interval", type=float, default=float(os.environ.get("TRANSCRIBER_PARTIAL_INTERVAL", "0.8")))
    return p.parse_args()


class Worker:
    def __init__(self, args: argparse.Namespace, loop: asyncio.AbstractEventLoop) -> None:
        from .models import default_models_dir

        self.args = args
        self.loop = loop
        self.models_dir = Path(args.models_dir) if args.models_dir else default_models_dir()
        self.engine: Any = None
        self.sessions: dict[str, Any] = {}
        self.tasks: set[asyncio.Task[None]] = set()

    def load(self) -> None:
        from .models import Engine

        started = time.monotonic()
        self.engine = Engine(self.models_dir, self.args.file_threads, self.args.live_threads, self.args.live_workers)
        log("models.loaded", seconds=round(time.monotonic() - started, 2), dir=self.models_dir)

    # -- live sessions (run on the event loop) --
    def start_live(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        from .live import LiveOptions, LiveRequest, LiveSession

        keys = ("messageId", "livekitUrl", "token", "callbackUrl", "callbackToken")
        if not all(isinstance(body.get(k), str) and body.get(k) for k in keys):
            return 400, {"error": f"expected JSON with {', '.join(keys)}"}
        mid = body["messageId"]
        if mid in self.sessions:
            return 202, {"messageId": mid, "status": "already listening"}
        if len(self.sessions) >= MAX_LIVE_SESSIONS:
            return 503, {"error": "too many live sessions"}
        request = LiveRequest(mid, body["livekitUrl"], body["token"], body["callbackUrl"], body["callbackToken"])
        options = LiveOptions(partial_interval_s=self.args.partial_interval, final_model=self.args.live_final_model)
        session = LiveSession(request, self.engine, options, log)
        self.sessions[mid] = session
        log("live.start", messageId=mid, sessions=len(self.sessions))

        async def run() -> None:
            try:
                await session.run()
            finally:
                if self.sessions.get(mid) is session:
                    del self.sessions[mid]

        task = self.loop.create_task(run())
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return 202, {"messageId": mid, "status": "listening"}

    def stop_live(self, mid: str) -> tuple[int, dict[str, Any]]:
        session = self.sessions.get(mid)
        if session is None:
            return 204, {}
        session.stop("asked to leave")
        return 204, {}

    async def shutdown(self) -> None:
        for session in list(self.sessions.values()):
            session.stop("worker stopping")
        if self.tasks:
            await asyncio.wait(set(self.tasks), timeout=10)

    def on_loop(self, fn: Any, *args: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(_call(fn, *args), self.loop).result(timeout=10)


async def _call(fn: Any, *args: Any) -> Any:
    return fn(*args)


def make_handler(worker: Worker) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "ringback-transcriber"

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
            pass  # one line per request is written by _reply instead

        def _reply(self, status: int, body: Any, started: float) -> None:
            data = b"" if status == 204 else (body if isinstance(body, bytes) else json.dumps(body).encode())
            self.send_response(status)
            if status != 204:
                ctype = "text/plain; charset=utf-8" if isinstance(body, bytes) else "application/json"
                self.send_header("content-type", ctype)
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            if data:
                self.wfile.write(data)
            if self.path == "/healthz":
                return  # polled ten times a second at start-up: not worth a line each
            log("http", method=self.command, path=self.path.split("?")[0], status=status,
                ms=round((time.monotonic() - started) * 1000))

        def _body(self) -> bytes | None:
            length = int(self.headers.get("content-length") or 0)
            if length > MAX_UPLOAD_BYTES:
                return None
            return self.rfile.read(length) if length else b""

        def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
            started = time.monotonic()
            if self.path == "/healthz":
                ready = worker.engine is not None
                self._reply(200 if ready else 503, {"ok": ready, "live": len(worker.sessions)}, started)
            else:
                self._reply(404, {"error": "not found"}, started)

        def do_POST(self) -> None:  # noqa: N802
            started = time.monotonic()
            path = self.path.split("?")[0].rstrip("/")
            if worker.engine is None:
                self._body()
                return self._reply(503, {"error": "models are still loading"}, started)
            body = self._body()
            if body is None:
                self.close_connection = True
                return self._reply(413, {"error": f"at most {MAX_UPLOAD_BYTES // (1024 * 1024)} MB"}, started)
            if path == "/live":
                try:
                    data = json.loads(body or b"null")
                except ValueError:
                    data = None
                if not isinstance(data, dict):
                    return self._reply(400, {"error": "expected a JSON object"}, started)
                status, answer = worker.on_loop(worker.start_live, data)
                return self._reply(status, answer, started)
            if path in ("/v1/audio/transcriptions", "/audio/transcriptions"):
                return self._transcription(body, started)
            self._reply(404, {"error": "not found"}, started)

        def do_DELETE(self) -> None:  # noqa: N802
            started = time.monotonic()
            match = re.fullmatch(r"/live/([^/?]+)", self.path)
            if not match:
                return self._reply(404, {"error": "not found"}, started)
            from urllib.parse import unquote

            status, answer = worker.on_loop(worker.stop_live, unquote(match.group(1)))
            self._reply(status, answer, started)

        def _transcription(self, body: bytes, started: float) -> None:
            from . import multipart

            boundary = multipart.boundary_of(self.headers.get("content-type", ""))
            if boundary is None:
                return self._reply(400, {"error": {"message": "expected multipart/form-data"}}, started)
            fields: dict[str, list[str]] = {}
            upload: bytes | None = None
            for part in multipart.parse(body, boundary):
                if part.name == "file":
                    upload = part.data
                else:
                    fields.setdefault(part.name, []).append(part.data.decode("utf-8", "replace"))
            if not upload:
                return self._reply(400, {"error": {"message": "the 'file' field is missing or empty"}}, started)
            model = (fields.get("model") or ["base"])[0]
            fmt = (fields.get("response_format") or ["json"])[0]
            granularities = fields.get("timestamp_granularities[]", []) + fields.get("timestamp_granularities", [])
            language = (fields.get("language") or [""])[0] or None
            try:
                result = worker.engine.transcribe_file(io.BytesIO(upload), model, language, "word" in granularities)
            except Exception as error:  # PyAV could not read it: not audio, or damaged
                log("file.error", error=repr(error))
                return self._reply(400, {"error": {"message": "could not decode the audio in 'file'"}}, started)
            log("file.transcribed", model=model, audioS=result.duration, ms=round((time.monotonic() - started) * 1000),
                words=len(result.text.split()))
            if fmt == "text":
                return self._reply(200, (result.text + "\n").encode(), started)
            if fmt != "verbose_json":
                return self._reply(200, {"text": result.text}, started)
            answer: dict[str, Any] = {
                "task": "transcribe",
                "language": "english" if result.language == "en" else result.language,
                "duration": result.duration,
                "text": result.text,
                "segments": [{"id": s.id, "start": s.start, "end": s.end, "text": s.text} for s in result.segments],
            }
            if "word" in granularities:
                answer["words"] = [
                    {"word": w.word, "start": w.start, "end": w.end} for s in result.segments for w in s.words
                ]
            self._reply(200, answer, started)

    return Handler


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # a client that hung up (a health probe that timed out) is not worth a traceback
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionResetError, BrokenPipeError, TimeoutError)):
            return
        log("http.error", error=repr(error))


def main() -> None:
    args = parse_args()
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    worker = Worker(args, loop)
    server = Server((args.host, args.port), make_handler(worker))
    threading.Thread(target=server.serve_forever, name="http", daemon=True).start()
    log("listening", url=f"http://{args.host}:{args.port}")

    stopping = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda s=sig: (log("signal", name=signal.Signals(s).name), stopping.set()))

    async def run() -> None:
        load = loop.run_in_executor(None, worker.load)
        stop_wait = asyncio.create_task(stopping.wait())
        await asyncio.wait({load, stop_wait}, return_when=asyncio.FIRST_COMPLETED)
        if load.done():
            load.result()  # a model that will not load ends the worker with its error
            await stop_wait
        await worker.shutdown()

    try:
        loop.run_until_complete(run())
    finally:
        server.shutdown()
        server.server_close()
        log("stopped")
    # onnxruntime/ctranslate2 threads can hold a plain exit; everything worth saving is done
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
