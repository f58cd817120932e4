"""The command line: help, prompts, one-line errors and exit codes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import httpx
import pytest
import respx
from conftest import FAKE_KEY, SEEDS

from briefing.cli import main


def test_help_everywhere(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["--help"], ["run", "--help"], ["prompts", "--help"]):
        with pytest.raises(SystemExit) as e:
            main(argv)
        assert e.value.code == 0
    out = capsys.readouterr().out
    assert "--chunk-tokens" in out and "--published" in out and "--output-mode" in out


def test_prompts_lists_ids_and_versions(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["prompts", "--check"]) == 0
    out = capsys.readouterr().out
    assert "extract@4" in out and "synthesize@1" in out


def run(tmp_path: Path, *extra: str) -> int:
    os.chdir(SEEDS.parent)
    return main(["run", "seeds", "-o", str(tmp_path / "out.md"), "-q", *extra])


def test_unreachable_endpoint_is_one_line(
    endpoint: respx.MockRouter, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    endpoint.post("/chat/completions").mock(side_effect=httpx.ConnectError("refused"))
    code = run(tmp_path, "--concurrency", "1")
    err = capsys.readouterr().err
    assert code == 3
    lines = [x for x in err.splitlines() if x.startswith("briefing: error")]
    assert len(lines) == 1 and "cannot connect to llm.mock.test" in lines[0]
    assert "Traceback" not in err
    assert not (tmp_path / "out.md").exists()


def test_rejected_key_is_one_line_and_never_echoed(
    endpoint: respx.MockRouter, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    route = endpoint.post("/chat/completions").mock(
        return_value=httpx.Response(
            401, json={"error": {"message": f"Incorrect API key provided: {FAKE_KEY}"}}
        )
    )
    assert run(tmp_path) == 3
    err = capsys.readouterr().err
    assert "rejected the API key (HTTP 401)" in err and FAKE_KEY not in err
    assert route.call_count <= 4  # no retries: at most one call per chunk already in flight
    assert "Traceback" not in err


def test_missing_input_is_exit_4(
    endpoint: respx.MockRouter, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", str(tmp_path / "nothing-here"), "-q"]) == 4
    assert "no such file or directory" in capsys.readouterr().err


def test_bad_flag_value_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "x", "--concurrency", "0"]) == 2
    assert "--concurrency must be at least 1" in capsys.readouterr().err


def test_real_sockets_are_blocked_in_tests() -> None:
    import socket

    with socket.socket() as s, pytest.raises(RuntimeError, match="network access blocked"):
        s.connect(("93.184.216.34", 443))


@pytest.mark.parametrize("command", ["run", "weekly"])
def test_output_naming_a_directory_is_one_line_before_any_work(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [command, str(SEEDS)] if command == "run" else [command]
    code = main([*args, "-o", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2 and "is a directory; give a file name" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_quiet_groups_repeated_warnings_and_logs_them_in_full(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from briefing.cli import report_warnings

    log = tmp_path / "calls.jsonl"
    warnings = [f"a{i}: name not in glossary: 홍길동{i} shown as 'Hong Gil-dong{i}'" for i in range(300)]
    report_warnings([*warnings, "b: publication date unknown; relative dates left unresolved"], True, log)
    err = capsys.readouterr().err.strip().splitlines()
    assert err[0] == "briefing: warning (300×): name not in glossary: … shown as …"
    assert len(err) == 3 and "301 warning(s) in full" in err[2]
    assert len(json.loads(log.read_text("utf-8"))["warnings"]) == 301


def test_progress_counts_all_chunks_first_and_estimates_what_is_left() -> None:
    from briefing.pipeline import progress_count

    assert progress_count(1, 4, 90.0) == "[1/4 · 1m30s, about 4m30s left]"
    assert progress_count(4, 4, 300.0) == "[4/4 · 5m00s]"
    assert progress_count(2, 6, 7.4) == "[2/6 · 7s, about 15s left]"
