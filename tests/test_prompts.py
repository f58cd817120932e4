"""Versioned prompts: validated on load, strict templates, lock on content."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from briefing.errors import PromptError
from briefing.prompts import check_lock, load_prompt_file, load_prompts, prompts_dir, update_lock


def test_every_prompt_matches_the_lock() -> None:
    """Fails when a prompt file changes without a version bump."""
    assert check_lock() == []


def test_fixtures_were_made_for_the_current_prompt_versions() -> None:
    import json

    current = {p.spec.id: p.ref for p in load_prompts().values()}
    for path in (Path(__file__).parent / "fixtures" / "responses").rglob("*.json"):
        fixture = json.loads(path.read_text("utf-8"))
        pid = fixture["prompt"].split("@")[0]
        assert fixture["prompt"] == current[pid], f"{path.name}: re-record after the prompt bump"
        assert fixture["label"].startswith(("hand-written", "recorded")), path.name


def copy_prompts(tmp_path: Path) -> Path:
    target = tmp_path / "prompts"
    shutil.copytree(prompts_dir(), target)
    load_prompts.cache_clear()
    return target


def test_an_edit_without_bump_is_caught(tmp_path: Path) -> None:
    directory = copy_prompts(tmp_path)
    path = directory / "extract.toml"
    path.write_text(path.read_text("utf-8").replace("You read news", "You read all news"), "utf-8")
    problems = check_lock(directory)
    current = load_prompts()["extract"].ref
    assert len(problems) == 1 and f"{current} changed without a version bump" in problems[0]
    with pytest.raises(PromptError, match="bump"):
        update_lock(directory)


def test_a_bump_can_be_locked(tmp_path: Path) -> None:
    directory = copy_prompts(tmp_path)
    path = directory / "extract.toml"
    version = load_prompts()["extract"].spec.version
    text = path.read_text("utf-8").replace(f"version = {version}", f"version = {version + 1}")
    path.write_text(text.replace("You extract", "You pull"), "utf-8")
    bumped = f"extract@{version + 1}"
    assert f"{bumped} is not in" in check_lock(directory)[0]
    assert update_lock(directory) == [bumped]
    assert check_lock(directory) == []


def test_invalid_prompt_file_is_rejected(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('id = "Bad Id"\nversion = 0\n', "utf-8")
    with pytest.raises(PromptError, match="invalid prompt file"):
        load_prompt_file(bad)


def test_missing_template_variable_is_an_error() -> None:
    prompt = load_prompts()["extract"]
    with pytest.raises(PromptError, match="undefined"):
        prompt.render(text="본문")  # no context, no schema_json


def test_rendered_prompt_carries_ref_and_hash() -> None:
    prompt = load_prompts()["extract"]
    r = prompt.render(data="본문", text="본문", context="", schema_json="")
    assert r.ref == f"extract@{prompt.spec.version}" and len(r.sha256) == 64
    assert r.user.endswith("<chunk>\n본문\n</chunk>")
