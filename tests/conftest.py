"""Shared test set-up: no network, no keys, a private cache, and the mocked endpoint."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import respx
from mockllm import BASE_URL, FIXTURES, Replay

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
FAKE_KEY = "sk-test-DO-NOT-LEAK-0123456789abcdef"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite golden files")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in (
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
        "BRIEFING_MODEL",
        "BRIEFING_OUTPUT_MODE",
        "BRIEFING_LOCAL_MODEL",
        "OPENAI_ORG_ID",
        "OPENAI_PROJECT_ID",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BRIEFING_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1732233600")  # 2024-11-22: a fixed "generated" date


@pytest.fixture(autouse=True)
def _no_network(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Real sockets are blocked: only loopback, and only for tests marked ``loopback``."""
    allow_loopback = request.node.get_closest_marker("loopback") is not None
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> None:
        host = address[0] if isinstance(address, tuple) else None
        if self.family == socket.AF_UNIX or (allow_loopback and host in ("127.0.0.1", "::1", "localhost")):
            return real_connect(self, address)  # type: ignore[arg-type]
        raise RuntimeError(f"network access blocked in tests: {address!r}")

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture
def endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[respx.MockRouter]:
    """A mocked OpenAI-compatible endpoint; add routes per test."""
    monkeypatch.setenv("OPENAI_BASE_URL", BASE_URL)
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        yield router


@pytest.fixture
def seeds_replay(endpoint: respx.MockRouter) -> Replay:
    """The endpoint answering from the hand-written seed fixtures."""
    replay = Replay.from_dir(FIXTURES / "seeds")
    endpoint.post("/chat/completions").mock(side_effect=replay)
    return replay
