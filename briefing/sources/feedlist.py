"""The list of sources: ``feeds.toml`` and URLs from the command line.

[[feed]]                      # an RSS or Atom feed, or a sitemap (urlset or sitemapindex)
url = "https://www.example.co.kr/rss/economy.xml"
outlet = "Example Daily"      # optional: used when the page does not name its outlet

[[page]]                      # one article page
url = "https://www.example.co.kr/news/123"
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigError


@dataclass(frozen=True)
class Source:
    url: str
    outlet: str | None = None


@dataclass
class SourceList:
    feeds: list[Source] = field(default_factory=list)
    pages: list[Source] = field(default_factory=list)


def load(path: Path) -> SourceList:
    """Feeds and pages from a ``feeds.toml`` file. Raises ``ConfigError`` on a bad file."""
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path}: cannot read ({e.__class__.__name__}); check --feeds") from e
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: not valid TOML ({e}); fix the file") from e
    if unknown := set(data) - {"feed", "page"}:
        raise ConfigError(f"{path}: unknown tables {sorted(unknown)}; use [[feed]] and [[page]]")
    out = SourceList()
    for key, target in (("feed", out.feeds), ("page", out.pages)):
        for n, item in enumerate(data.get(key, []), 1):
            if not isinstance(item, dict) or not isinstance(item.get("url"), str):
                raise ConfigError(f'{path}: [[{key}]] number {n} needs url = "https://..."')
            outlet = item.get("outlet")
            target.append(Source(item["url"], outlet if isinstance(outlet, str) else None))
    return out


def from_args(urls: list[str]) -> SourceList:
    """URLs given on the command line: ones that look like feeds or sitemaps are read as feeds."""
    out = SourceList()
    for url in urls:
        low = url.lower().split("?")[0]
        is_feed = low.endswith((".xml", ".rss", ".atom", "/rss", "/feed", "/atom")) or "sitemap" in low
        (out.feeds if is_feed else out.pages).append(Source(url))
    return out
