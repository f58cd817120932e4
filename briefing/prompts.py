"""Versioned prompts: TOML files under ``prompts/`` with an id, a version and a Jinja body.

Every output and cache key records ``id@version`` and the file's sha256. ``prompts.lock.json``
pins the hash of each ``id@version``: editing a prompt without bumping its version fails the test
suite and ``briefing prompts --check``.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import PromptError

LOCK_NAME = "prompts.lock.json"


def _resource_dir(name: str) -> Path:
    """``prompts/`` or ``templates/``: bundled in a wheel as ``briefing/_NAME``, else the repo's."""
    here = Path(__file__).resolve().parent
    bundled = here / f"_{name}"
    return bundled if bundled.is_dir() else here.parent / name


def prompts_dir() -> Path:
    return _resource_dir("prompts")


def templates_dir() -> Path:
    return _resource_dir("templates")


class PromptParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    temperature: float = Field(0.0, ge=0, le=2)
    max_tokens: int = Field(2048, gt=0)
    top_p: float | None = Field(None, gt=0, le=1)
    seed: int | None = None


class PromptFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    version: int = Field(ge=1)
    description: str = Field(min_length=1)
    schema_: Literal["ChunkPoints", "ChunkExtraction", "Synthesis", "TranslationX"] = Field(alias="schema")
    params: PromptParams = PromptParams()
    system: str = Field(min_length=1)
    user: str = Field(min_length=1)


@dataclass(frozen=True)
class RenderedPrompt:
    """A prompt ready to send. ``data`` is its variable part (the chunk), kept for recording;
    ``source`` the id of the article it comes from (never sent)."""

    ref: str
    sha256: str
    system: str
    user: str
    params: PromptParams
    schema_name: str
    data: str = ""
    source: str | None = None


@dataclass(frozen=True)
class Prompt:
    spec: PromptFile
    sha256: str
    path: Path

    @property
    def ref(self) -> str:
        return f"{self.spec.id}@{self.spec.version}"

    @functools.cached_property
    def _templates(self) -> tuple[Any, Any]:
        """Compiled once per prompt (compiling costs more than rendering)."""
        from jinja2 import Environment, StrictUndefined, TemplateError

        env = Environment(undefined=StrictUndefined, keep_trailing_newline=False, autoescape=False)
        try:
            return env.from_string(self.spec.system), env.from_string(self.spec.user)
        except TemplateError as e:
            raise PromptError(f"prompt {self.ref} ({self.path}): {e}") from e

    def render(self, data: str = "", **variables: Any) -> RenderedPrompt:
        """Render both parts. A variable the template needs but is not given is an error.

        String variables are article data: look-alikes of our delimiter tags inside them are
        defused, so a page cannot close ``<chunk>`` and speak as the prompt.
        """
        variables = {
            k: defuse(v) if isinstance(v, str) and k != "schema_json" else v for k, v in variables.items()
        }
        from jinja2 import TemplateError

        system_t, user_t = self._templates
        try:
            system = system_t.render(**variables)
            user = user_t.render(**variables)
        except TemplateError as e:
            raise PromptError(f"prompt {self.ref} ({self.path}): {e}") from e
        return RenderedPrompt(
            ref=self.ref,
            sha256=self.sha256,
            system=system.strip(),
            user=user.strip(),
            params=self.spec.params,
            schema_name=self.spec.schema_,
            data=data,
        )


_TAG = re.compile(
    r"<\s*\|?\s*/?\s*(chunk|context|paragraphs|before|after|title|facts|system|user|assistant|im_start|im_end)\b[^>]*>",
    re.IGNORECASE,
)


def defuse(text: str) -> str:
    """Replace tag-like delimiters in article text with look-alike brackets (‹chunk›)."""
    return _TAG.sub(lambda m: "‹" + m[0][1:-1] + "›", text)


def load_prompt_file(path: Path) -> Prompt:
    raw = path.read_bytes()
    try:
        data = tomllib.loads(raw.decode("utf-8"))
        template = data.pop("template", {})
        spec = PromptFile.model_validate({**data, **template})
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise PromptError(f"{path}: not valid TOML ({e})") from e
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise PromptError(f"{path}: invalid prompt file: {where}: {first['msg']}") from e
    return Prompt(spec=spec, sha256=hashlib.sha256(raw).hexdigest(), path=path)


@cache
def load_prompts(directory: Path | None = None) -> dict[str, Prompt]:
    """All prompts by id. Two files with the same id are an error."""
    directory = directory or prompts_dir()
    found: dict[str, Prompt] = {}
    for path in sorted(directory.glob("*.toml")):
        prompt = load_prompt_file(path)
        if prompt.spec.id in found:
            raise PromptError(f"{path}: prompt id {prompt.spec.id!r} also in {found[prompt.spec.id].path}")
        found[prompt.spec.id] = prompt
    return found


def get_prompt(prompt_id: str, directory: Path | None = None) -> Prompt:
    prompts = load_prompts(directory)
    if prompt_id not in prompts:
        raise PromptError(f"no prompt {prompt_id!r} in {directory or prompts_dir()}")
    return prompts[prompt_id]


def read_lock(directory: Path | None = None) -> dict[str, str]:
    path = (directory or prompts_dir()) / LOCK_NAME
    if not path.exists():
        return {}
    data: dict[str, str] = json.loads(path.read_text("utf-8"))
    return data


def check_lock(directory: Path | None = None) -> list[str]:
    """Problems with the lock: a prompt edited without a version bump, or never locked."""
    lock = read_lock(directory)
    problems = []
    for prompt in load_prompts(directory).values():
        pinned = lock.get(prompt.ref)
        if pinned is None:
            problems.append(f"{prompt.ref} is not in {LOCK_NAME}: run `briefing prompts --lock`")
        elif pinned != prompt.sha256:
            problems.append(
                f"{prompt.ref} changed without a version bump ({prompt.path.name}): "
                "bump `version`, then run `briefing prompts --lock`"
            )
    return problems


def update_lock(directory: Path | None = None) -> list[str]:
    """Pin new ``id@version`` hashes. Never overwrites a pinned version with another hash."""
    directory = directory or prompts_dir()
    lock = read_lock(directory)
    added = []
    for prompt in load_prompts(directory).values():
        pinned = lock.get(prompt.ref)
        if pinned is not None and pinned != prompt.sha256:
            raise PromptError(
                f"{prompt.ref} is pinned with another hash: bump `version` in {prompt.path.name}"
            )
        if pinned is None:
            lock[prompt.ref] = prompt.sha256
            added.append(prompt.ref)
    text = json.dumps(dict(sorted(lock.items())), indent=2, ensure_ascii=False) + "\n"
    (directory / LOCK_NAME).write_text(text, "utf-8")
    return added
